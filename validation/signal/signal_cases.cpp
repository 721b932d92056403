// Closed-form validation cases of the signal layer: the Butterworth band-pass sections against
// the analytic magnitude response.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "registry.hpp"
#include "sampo/signal/filter.hpp"

namespace {

namespace sg = sampo::signal;
using sampo::validation::bound;

SAMPO_VALIDATION_GROUP(signal_closed_forms) {
  sampo::validation::register_case(
      {"signal", "filter/butterworth-magnitude", [] {
         double worst = 0;
         for (int order : {2, 4, 5})
           for (double fs : {160.0, 250.0, 512.0}) {
             const Eigen::MatrixXd sos = sg::butterworth_bandpass(order, 8.0, 35.0, fs);
             for (double f = 0.25; f < fs / 2; f += 0.25)
               worst = std::max(worst,
                                std::abs(sg::sos_magnitude(sos, f, fs) -
                                         sg::butterworth_bandpass_magnitude(order, 8, 35, fs, f)));
           }
         return bound(worst, 1e-10,
                      "max |H_sos(f) - analytic Butterworth |H(f)||, orders 2/4/5, fs 160/250/512, "
                      "8-35 Hz; rounding in a cascade of sections near their poles");
       }});
}

}  // namespace
