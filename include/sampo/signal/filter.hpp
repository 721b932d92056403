#pragma once
/// @file
/// Zero-phase Butterworth band-pass filtering of EEG, in second-order sections (SOS).
///
/// Design (as scipy.signal.butter(order, [low, high], "bandpass", output="sos", fs=fs)): the
/// analog Butterworth low-pass prototype of the given order, band edges pre-warped
/// (W = 2 fs tan(pi f / fs)), low-pass -> band-pass transform (2 * order poles), bilinear
/// transform, poles paired by conjugates into `order` sections, each with the zeros +1 and -1
/// (numerator 1 - z^-2); the gain is set so that |H| = 1 at the pass-band centre
/// (where the analog response is exactly 1). Analytic magnitude:
///   |H(f)|^2 = 1 / (1 + ((W^2 - W0^2) / (W B))^(2 order)),  W0^2 = W_low W_high, B = W_high -
///   W_low.
///
/// Zero phase (as scipy.signal.sosfiltfilt with its defaults, and MNE's IIR "zero" phase):
/// the signal is extended at both ends by odd reflection (2 x[0] - x[k]) over
/// padlen = 3 (2 sections + 1) samples, filtered forward from the steady-state initial
/// conditions of a step of height x[0] (scipy's sosfilt_zi), reversed, filtered again the same
/// way, reversed, and the padding removed. The magnitude response is |H|^2 (order doubled),
/// the phase is zero. MNE's default for MOABB is order 4 (so an effective order 8).

#include "sampo/core/eigen.hpp"

namespace sampo::signal {

/// Butterworth band-pass design: a (order x 6) matrix of sections [b0 b1 b2 a0 a1 a2] (a0 = 1).
/// @throw sampo::invalid_argument unless 1 <= order <= 20 and 0 < low < high < fs / 2.
[[nodiscard]] Eigen::MatrixXd butterworth_bandpass(int order, double low, double high, double fs);

/// The analytic magnitude |H(f)| of the digital Butterworth band-pass (formula above).
/// @throw sampo::invalid_argument as butterworth_bandpass, or f outside [0, fs/2].
[[nodiscard]] double butterworth_bandpass_magnitude(int order, double low, double high, double fs,
                                                    double f);

/// |H(e^{i 2 pi f / fs})| of a cascade of sections.
/// @throw sampo::invalid_argument if sos is not n x 6 or f is not finite.
[[nodiscard]] double sos_magnitude(const Eigen::Ref<const Eigen::MatrixXd>& sos, double f,
                                   double fs);

/// Causal filtering of each row of @p x (channels x samples) from zero initial state
/// (scipy.signal.sosfilt). @throw sampo::invalid_argument for a bad sos or non-finite data.
[[nodiscard]] Eigen::MatrixXd sosfilt(const Eigen::Ref<const Eigen::MatrixXd>& sos,
                                      const Eigen::Ref<const Eigen::MatrixXd>& x);

/// Zero-phase forward-backward filtering of each row (scipy.signal.sosfiltfilt, padtype "odd",
/// padlen 3 (2 n + 1)); rows in parallel (sampo::parallel::parallel_for).
/// @throw sampo::invalid_argument for a bad sos, non-finite data, or a row not longer than padlen.
[[nodiscard]] Eigen::MatrixXd sosfiltfilt(const Eigen::Ref<const Eigen::MatrixXd>& sos,
                                          const Eigen::Ref<const Eigen::MatrixXd>& x);

}  // namespace sampo::signal
