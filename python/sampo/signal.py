"""Signal processing for EEG (sampo::signal): Butterworth band-pass design in second-order
sections, causal and zero-phase filtering of the rows of a recording (the numbers of
scipy.signal's butter / sosfilt / sosfiltfilt), epoching at annotations, and EEG files
(EDF/EDF+/BDF/GDF) to band-passed trials.

- ``butterworth_bandpass(order, low, high, fs)`` -> (order, 6) sections
- ``butterworth_bandpass_magnitude(order, low, high, fs, f)``, ``sos_magnitude(sos, f, fs)``
- ``sosfilt(sos, x)``, ``sosfiltfilt(sos, x)``: x is channels x samples, filtered by rows
- ``epoch(data, fs, annotations, events, *, tmin, tmax)`` and ``load_epochs(files, ...)``:
  dicts with ``trials`` (n, C, T), ``labels``, ``onsets``, ``dropped``.

See docs/signal.md.
"""
from ._sampo.signal import (  # noqa: F401
    butterworth_bandpass, butterworth_bandpass_magnitude, epoch, load_epochs, sos_magnitude,
    sosfilt, sosfiltfilt)

__all__ = ["butterworth_bandpass", "butterworth_bandpass_magnitude", "sos_magnitude",
           "sosfilt", "sosfiltfilt", "epoch", "load_epochs"]
