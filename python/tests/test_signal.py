"""sampo.signal against scipy.signal applied to the same sections (the filtering algorithms),
the analytic Butterworth magnitude (the design), and closed-form epoch windows."""
import numpy as np
import pytest
import scipy.signal

import sampo
from sampo import signal as S


def test_design_has_the_analytic_butterworth_magnitude():
    sos = S.butterworth_bandpass(4, 8.0, 30.0, 160.0)
    assert sos.shape == (4, 6) and sos.flags.c_contiguous  # scipy's sosfilt needs C order
    np.testing.assert_array_equal(sos[:, 3], 1.0)
    for f in (0.5, 8.0, 12.0, 19.0, 30.0, 60.0):
        analytic = S.butterworth_bandpass_magnitude(4, 8.0, 30.0, 160.0, f)
        # A cascade of 4 sections evaluated in float64: a few hundred ulps.
        assert S.sos_magnitude(sos, f, 160.0) == pytest.approx(analytic, rel=1e-10, abs=1e-14)
    # The -3 dB points are the band edges (a Butterworth property of the bilinear design).
    assert S.butterworth_bandpass_magnitude(4, 8.0, 30.0, 160.0, 8.0) == pytest.approx(
        2 ** -0.5, rel=1e-12)


def test_design_matches_scipy_response():
    ours = S.butterworth_bandpass(3, 1.0, 40.0, 250.0)
    theirs = scipy.signal.butter(3, [1.0, 40.0], "bandpass", output="sos", fs=250.0)
    w = np.linspace(0.1, 124.0, 50)
    _, h_ours = scipy.signal.sosfreqz(ours, worN=w, fs=250.0)
    _, h_theirs = scipy.signal.sosfreqz(theirs, worN=w, fs=250.0)
    # Same filter, sections possibly paired or ordered differently: responses agree to
    # rounding of the design (1e-10 of the pass-band gain 1).
    np.testing.assert_allclose(np.abs(h_ours), np.abs(h_theirs), atol=1e-10)


def test_sosfilt_and_sosfiltfilt_equal_scipy_on_the_same_sections():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 400))
    sos = S.butterworth_bandpass(4, 8.0, 35.0, 160.0)
    # The same recursions in the same order: agreement to ~1e-12 of the signal's scale.
    np.testing.assert_allclose(S.sosfilt(sos, x), scipy.signal.sosfilt(sos, x, axis=-1),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(S.sosfiltfilt(sos, x), scipy.signal.sosfiltfilt(sos, x, axis=-1),
                               rtol=1e-10, atol=1e-12)
    # A C-ordered recording (channels x samples) is copied once; Fortran order too gives the
    # same numbers.
    np.testing.assert_array_equal(S.sosfiltfilt(sos, np.asfortranarray(x)), S.sosfiltfilt(sos, x))


def test_filter_errors_name_the_argument():
    with pytest.raises(ValueError, match="high"):
        S.butterworth_bandpass(4, 8.0, 90.0, 160.0)  # above Nyquist
    with pytest.raises(ValueError, match="sos"):
        S.sosfilt(np.ones((2, 5)), np.ones((1, 50)))
    with pytest.raises(TypeError, match="'x' has dtype int64"):
        S.sosfilt(S.butterworth_bandpass(2, 1.0, 10.0, 100.0), np.ones((1, 50), dtype=np.int64))


def test_epoch_windows():
    fs = 100.0
    data = np.tile(np.arange(1000, dtype=float), (2, 1))  # sample index as the value
    notes = [(1.0, 0.0, "T1"), (2.5, 0.0, "T2"), (4.0, 0.0, "T0"), (9.9, 0.0, "T1")]
    e = S.epoch(data, fs, notes, ["T1", "T2"], tmin=0.5, tmax=1.0)
    # samples round(onset fs) + round(tmin fs) .. + round(tmax fs), both ends included
    assert e["trials"].shape == (2, 2, 51)
    np.testing.assert_array_equal(e["trials"][0, 0], np.arange(150, 201))
    np.testing.assert_array_equal(e["trials"][1, 1], np.arange(300, 351))
    np.testing.assert_array_equal(e["labels"], [0, 1])
    np.testing.assert_array_equal(e["onsets"], [1.0, 2.5])
    assert e["dropped"] == 1  # the cue at 9.9 s runs past the end
    with pytest.raises(ValueError, match="T9"):
        S.epoch(data, fs, notes, ["T9"])


def test_unreadable_file_is_an_os_error():
    with pytest.raises(OSError, match="no-such-file.edf"):
        S.load_epochs(["/nonexistent/no-such-file.edf"])
    assert "low: float = 8.0" in S.load_epochs.__doc__


def test_module_is_exported():
    assert sampo.signal.sosfiltfilt is S.sosfiltfilt
