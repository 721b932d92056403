#include <Eigen/Dense>
#include <cmath>
#include <numbers>

#include "sampo/core/error.hpp"
#include "sampo/signal/filter.hpp"
#include "sampo_test.hpp"

using namespace sampo::signal;
using sampo::invalid_argument;
constexpr double kPi = std::numbers::pi;

TEST_CASE("Butterworth band-pass SOS match the analytic magnitude", "[signal][filter]") {
  for (int order : {1, 2, 4, 5}) {
    for (double fs : {160.0, 250.0}) {
      const Eigen::MatrixXd sos = butterworth_bandpass(order, 8.0, 35.0, fs);
      REQUIRE(sos.rows() == order);
      for (double f = 0.5; f < fs / 2; f += 0.5) {
        INFO("order " << order << " fs " << fs << " f " << f);
        const double ref = butterworth_bandpass_magnitude(order, 8.0, 35.0, fs, f);
        // Evaluating 'order' sections near their poles: relative rounding ~ order * 1e-13;
        // 1e-10 absolute covers the deep stop band, where both are tiny.
        CHECK(sos_magnitude(sos, f, fs) == Approx(ref).epsilon(1e-9).margin(1e-10));
      }
      // -3 dB at both edges (|H|^2 = 1/2), by construction of the pre-warped design.
      CHECK(sos_magnitude(sos, 8.0, fs) == Approx(std::sqrt(0.5)).epsilon(1e-12));
      CHECK(sos_magnitude(sos, 35.0, fs) == Approx(std::sqrt(0.5)).epsilon(1e-12));
      CHECK(sos_magnitude(sos, 1e-9, fs) < 1e-8);  // zeros at DC and Nyquist
    }
  }
  // A wide band (bw/2 > centre): real band-pass poles, paired two by two.
  const Eigen::MatrixXd wide = butterworth_bandpass(3, 1.0, 70.0, 160.0);
  for (double f : {0.5, 5.0, 40.0, 75.0})
    CHECK(
        sos_magnitude(wide, f, 160) ==
        Approx(butterworth_bandpass_magnitude(3, 1.0, 70.0, 160.0, f)).epsilon(1e-9).margin(1e-10));
  SAMPO_REQUIRE_THROWS_WITH(butterworth_bandpass(4, 8, 90, 160), invalid_argument, "'high' = 90",
                            "Nyquist");
  SAMPO_REQUIRE_THROWS_WITH(butterworth_bandpass(0, 8, 30, 160), invalid_argument, "'order' = 0");
  SAMPO_REQUIRE_THROWS_WITH(butterworth_bandpass(4, 30, 8, 160), invalid_argument,
                            "must exceed low");
}

TEST_CASE("forward-backward filtering: zero phase, squared magnitude", "[signal][filter]") {
  const double fs = 160.0;
  const Eigen::MatrixXd sos = butterworth_bandpass(4, 8.0, 35.0, fs);
  const Eigen::Index n = 4000;
  Eigen::MatrixXd x(3, n);
  const double freqs[3] = {20.0, 9.0, 50.0};
  for (int r = 0; r < 3; ++r)
    for (Eigen::Index t = 0; t < n; ++t)
      x(r, t) = std::sin(2 * kPi * freqs[r] * double(t) / fs + 0.3 * r);
  const Eigen::MatrixXd y = sosfiltfilt(sos, x);
  for (int r = 0; r < 3; ++r) {
    const double h2 = std::pow(butterworth_bandpass_magnitude(4, 8.0, 35.0, fs, freqs[r]), 2);
    // Away from the ends the output is the input scaled by |H|^2 with no phase shift. The
    // start-up transients decay with the slowest pole (|p| ~ 0.93 at 160 Hz): after 1000
    // samples they are below 1e-12 relative.
    const Eigen::RowVectorXd mid = y.row(r).segment(1000, 2000),
                             ref = h2 * x.row(r).segment(1000, 2000);
    INFO("f " << freqs[r] << " |H|^2 " << h2);
    CHECK((mid - ref).cwiseAbs().maxCoeff() <= 1e-9);
  }
  // Forward only: the same magnitude but a phase lag (non-zero error vs the scaled input).
  const Eigen::MatrixXd causal = sosfilt(sos, x);
  CHECK((causal.row(0).segment(1000, 2000) - x.row(0).segment(1000, 2000)).cwiseAbs().maxCoeff() >
        0.1);
  // sosfilt from rest: the impulse response of one section is its difference equation.
  Eigen::MatrixXd one(1, 6);
  one << 0.5, 0.2, -0.1, 1.0, -0.4, 0.1;
  Eigen::MatrixXd imp = Eigen::MatrixXd::Zero(1, 5);
  imp(0, 0) = 1.0;
  const Eigen::MatrixXd h = sosfilt(one, imp);
  double y0 = 0.5, y1 = 0.2 + 0.4 * y0, y2 = -0.1 + 0.4 * y1 - 0.1 * y0, y3 = 0.4 * y2 - 0.1 * y1;
  CHECK(h(0, 0) == Approx(y0));
  CHECK(h(0, 1) == Approx(y1));
  CHECK(h(0, 2) == Approx(y2));
  CHECK(h(0, 3) == Approx(y3));
  // A constant is removed (zero gain at DC), with no edge transient thanks to the odd
  // extension and the steady-state initial conditions.
  const Eigen::MatrixXd c = sosfiltfilt(sos, Eigen::MatrixXd::Constant(1, 500, 7.0));
  CHECK(c.cwiseAbs().maxCoeff() <= 1e-9);
  SAMPO_REQUIRE_THROWS_WITH(sosfiltfilt(sos, Eigen::MatrixXd::Ones(1, 27)), invalid_argument,
                            "27 samples", "pads 27");
  SAMPO_REQUIRE_THROWS_WITH(sosfilt(Eigen::MatrixXd::Ones(2, 5), x), invalid_argument, "n x 6");
}
