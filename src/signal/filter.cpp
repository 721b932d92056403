#include "sampo/signal/filter.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::signal {
namespace {

/// The row loops' options: one channel per block (uneven, well over a microsecond each),
/// handed to threads dynamically, never over MPI ranks. Each row writes its own output, so
/// the result does not depend on the thread count.
parallel::MapReduceOptions per_row() {
  parallel::MapReduceOptions options;
  options.block_size = 1;
  options.use_mpi = false;
  return options;
}

using cd = std::complex<double>;
constexpr double kPi = std::numbers::pi;

void check_design(const char* fn, int order, double low, double high, double fs) {
  if (order < 1 || order > 20)
    throw_invalid_argument(fn, "order", std::to_string(order), "must lie in [1, 20]");
  check_positive(fn, "fs", fs);
  check_positive(fn, "low", low);
  check_finite(fn, "high", high);
  if (!(high > low))
    throw_invalid_argument(fn, "high", format_value(high),
                           "must exceed low = " + format_value(low));
  if (!(high < fs / 2))
    throw_invalid_argument(fn, "high", format_value(high),
                           "must be below the Nyquist frequency fs/2 = " + format_value(fs / 2));
}

void check_sos(const char* fn, const Eigen::Ref<const Eigen::MatrixXd>& sos) {
  if (sos.rows() < 1 || sos.cols() != 6)
    throw_invalid_argument(fn, "sos", {},
                           "has shape " + std::to_string(sos.rows()) + "x" +
                               std::to_string(sos.cols()) +
                               ", expected n x 6 sections [b0 b1 b2 a0 a1 a2]");
  check_finite(fn, "sos", sos);
  for (Eigen::Index s = 0; s < sos.rows(); ++s)
    if (sos(s, 3) != 1.0)
      throw_invalid_argument(fn, "sos", format_value(sos(s, 3)),
                             "section " + std::to_string(s) + " must have a0 = 1");
}

cd section_response(const Eigen::Ref<const Eigen::MatrixXd>& sos, Eigen::Index s, cd z1) {
  const cd z2 = z1 * z1;
  return (sos(s, 0) + sos(s, 1) * z1 + sos(s, 2) * z2) / (1.0 + sos(s, 4) * z1 + sos(s, 5) * z2);
}

/// One row through the cascade (direct form II transposed), state zi (sections x 2) updated.
void run(const Eigen::Ref<const Eigen::MatrixXd>& sos, std::vector<double>& x,
         Eigen::MatrixXd& zi) {
  for (Eigen::Index s = 0; s < sos.rows(); ++s) {
    const double b0 = sos(s, 0), b1 = sos(s, 1), b2 = sos(s, 2), a1 = sos(s, 4), a2 = sos(s, 5);
    double z1 = zi(s, 0), z2 = zi(s, 1);
    for (double& v : x) {
      const double in = v, y = b0 * in + z1;
      z1 = b1 * in - a1 * y + z2;
      z2 = b2 * in - a2 * y;
      v = y;
    }
    zi(s, 0) = z1;
    zi(s, 1) = z2;
  }
}

/// scipy's sosfilt_zi: the steady state of the cascade for a unit step.
Eigen::MatrixXd step_state(const Eigen::Ref<const Eigen::MatrixXd>& sos) {
  Eigen::MatrixXd zi(sos.rows(), 2);
  double scale = 1.0;  // input level of section s at steady state
  for (Eigen::Index s = 0; s < sos.rows(); ++s) {
    const double g = (sos(s, 0) + sos(s, 1) + sos(s, 2)) / (1.0 + sos(s, 4) + sos(s, 5));
    const double z2 = sos(s, 2) - sos(s, 5) * g;
    const double z1 = sos(s, 1) - sos(s, 4) * g + z2;
    zi(s, 0) = scale * z1;
    zi(s, 1) = scale * z2;
    scale *= g;
  }
  return zi;
}

}  // namespace

Eigen::MatrixXd butterworth_bandpass(int order, double low, double high, double fs) {
  constexpr const char* fn = "sampo::signal::butterworth_bandpass";
  check_design(fn, order, low, high, fs);
  const double fs2 = 2.0 * fs;
  const double wl = fs2 * std::tan(kPi * low / fs), wh = fs2 * std::tan(kPi * high / fs);
  const double bw = wh - wl, w0 = std::sqrt(wl * wh);
  // Analog prototype poles, low-pass -> band-pass, bilinear transform.
  std::vector<cd> poles;
  for (int k = 0; k < order; ++k) {
    const cd p = std::polar(1.0, kPi * (2.0 * k + order + 1) / (2.0 * order));
    const cd half = p * bw / 2.0, root = std::sqrt(half * half - w0 * w0);
    for (const cd s : {half + root, half - root}) poles.push_back((fs2 + s) / (fs2 - s));
  }
  // Pair: complex poles with their conjugates (keep Im > 0), real poles two by two.
  std::vector<cd> upper, real;
  for (const cd& p : poles) {
    if (std::abs(p.imag()) > 1e-12 * std::abs(p)) {
      if (p.imag() > 0) upper.push_back(p);
    } else {
      real.push_back(p.real());
    }
  }
  std::sort(real.begin(), real.end(), [](cd a, cd b) { return a.real() < b.real(); });
  Eigen::MatrixXd sos(order, 6);
  Eigen::Index s = 0;
  for (const cd& p : upper) {
    sos.row(s++) << 1.0, 0.0, -1.0, 1.0, -2.0 * p.real(), std::norm(p);
  }
  for (std::size_t i = 0; i + 1 < real.size(); i += 2) {
    const double r1 = real[i].real(), r2 = real[i + 1].real();
    sos.row(s++) << 1.0, 0.0, -1.0, 1.0, -(r1 + r2), r1 * r2;
  }
  if (s != order)
    throw_numerical_error(fn, "pole pairing failed (" + std::to_string(s) + " sections for order " +
                                  std::to_string(order) + ")");
  // Unit gain at the centre: the analog response is exactly 1 at w0, which maps to
  // f_c = (fs / pi) atan(w0 / (2 fs)).
  const double fc = fs / kPi * std::atan(w0 / fs2);
  const double g = sos_magnitude(sos, fc, fs);
  sos.block(0, 0, 1, 3) /= g;
  return sos;
}

double butterworth_bandpass_magnitude(int order, double low, double high, double fs, double f) {
  constexpr const char* fn = "sampo::signal::butterworth_bandpass_magnitude";
  check_design(fn, order, low, high, fs);
  check_in_range(fn, "f", f, 0.0, fs / 2);
  if (f == 0.0 || f == fs / 2) return 0.0;
  const double fs2 = 2.0 * fs;
  const double wl = fs2 * std::tan(kPi * low / fs), wh = fs2 * std::tan(kPi * high / fs);
  const double w = fs2 * std::tan(kPi * f / fs);
  const double q = (w * w - wl * wh) / (w * (wh - wl));
  return 1.0 / std::sqrt(1.0 + std::pow(q * q, order));
}

double sos_magnitude(const Eigen::Ref<const Eigen::MatrixXd>& sos, double f, double fs) {
  constexpr const char* fn = "sampo::signal::sos_magnitude";
  check_sos(fn, sos);
  check_finite(fn, "f", f);
  check_positive(fn, "fs", fs);
  const cd z1 = std::polar(1.0, -2.0 * kPi * f / fs);
  cd h = 1.0;
  for (Eigen::Index s = 0; s < sos.rows(); ++s) h *= section_response(sos, s, z1);
  return std::abs(h);
}

Eigen::MatrixXd sosfilt(const Eigen::Ref<const Eigen::MatrixXd>& sos,
                        const Eigen::Ref<const Eigen::MatrixXd>& x) {
  constexpr const char* fn = "sampo::signal::sosfilt";
  check_sos(fn, sos);
  check_finite(fn, "x", x);
  Eigen::MatrixXd out(x.rows(), x.cols());
  parallel::parallel_for(
      static_cast<std::size_t>(x.rows()),
      [&](std::size_t r) {
        const auto row = static_cast<Eigen::Index>(r);
        std::vector<double> v(static_cast<std::size_t>(x.cols()));
        for (Eigen::Index t = 0; t < x.cols(); ++t) v[static_cast<std::size_t>(t)] = x(row, t);
        Eigen::MatrixXd zi = Eigen::MatrixXd::Zero(sos.rows(), 2);
        run(sos, v, zi);
        for (Eigen::Index t = 0; t < x.cols(); ++t) out(row, t) = v[static_cast<std::size_t>(t)];
      },
      per_row());
  return out;
}

Eigen::MatrixXd sosfiltfilt(const Eigen::Ref<const Eigen::MatrixXd>& sos,
                            const Eigen::Ref<const Eigen::MatrixXd>& x) {
  constexpr const char* fn = "sampo::signal::sosfiltfilt";
  check_sos(fn, sos);
  check_finite(fn, "x", x);
  const Eigen::Index pad = 3 * (2 * sos.rows() + 1), n = x.cols();
  if (n <= pad)
    throw_invalid_argument(fn, "x", {},
                           "has " + std::to_string(n) +
                               " samples; forward-backward filtering pads " + std::to_string(pad) +
                               " samples and needs more");
  const Eigen::MatrixXd zi = step_state(sos);
  Eigen::MatrixXd out(x.rows(), n);
  parallel::parallel_for(
      static_cast<std::size_t>(x.rows()),
      [&](std::size_t r) {
        const auto row = static_cast<Eigen::Index>(r);
        std::vector<double> e(static_cast<std::size_t>(n + 2 * pad));
        const double first = x(row, 0), last = x(row, n - 1);
        for (Eigen::Index k = 0; k < pad; ++k) {
          e[static_cast<std::size_t>(k)] = 2.0 * first - x(row, pad - k);
          e[static_cast<std::size_t>(pad + n + k)] = 2.0 * last - x(row, n - 2 - k);
        }
        for (Eigen::Index t = 0; t < n; ++t) e[static_cast<std::size_t>(pad + t)] = x(row, t);
        Eigen::MatrixXd z = zi * e.front();
        run(sos, e, z);
        std::reverse(e.begin(), e.end());
        z = zi * e.front();
        run(sos, e, z);
        std::reverse(e.begin(), e.end());
        for (Eigen::Index t = 0; t < n; ++t) out(row, t) = e[static_cast<std::size_t>(pad + t)];
      },
      per_row());
  return out;
}

}  // namespace sampo::signal
