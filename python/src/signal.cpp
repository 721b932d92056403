// sampo.signal: Butterworth band-pass design, causal and zero-phase filtering of the rows of a
// recording (scipy.signal's butter / sosfilt / sosfiltfilt), epoching at annotations, and the
// path from EEG files to band-passed trials (sampo::signal).
#include <string>
#include <tuple>
#include <vector>

#include "common.hpp"
#include "sampo/io/eeg.hpp"
#include "sampo/signal/epochs.hpp"
#include "sampo/signal/filter.hpp"

namespace sampo::python {

namespace {

namespace sg = sampo::signal;

py::dict epochs_dict(sg::Epochs e) {
  py::dict d;
  d["trials"] = to_array(e.trials);
  d["labels"] = py::array_t<int>(static_cast<py::ssize_t>(e.labels.size()), e.labels.data());
  d["onsets"] = py::array_t<double>(static_cast<py::ssize_t>(e.onsets.size()), e.onsets.data());
  d["dropped"] = e.dropped;
  return d;
}

}  // namespace

void bind_signal(py::module_& m) {
  const sg::EpochOptions window;
  const sg::EpochLoadOptions load;

  // Returned in C order (a copy of order x 6 numbers): scipy.signal's sosfilt accepts only
  // C-contiguous sections, and these are meant to be handed to it too.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  m.def("butterworth_bandpass",
        [](int order, double low, double high, double fs) {
          return RowMajor(sg::butterworth_bandpass(order, low, high, fs));
        },
        py::arg("order"), py::arg("low"), py::arg("high"), py::arg("fs"),
        "Butterworth band-pass sections (order x 6: b0 b1 b2 a0 a1 a2, C order), as "
        "scipy.signal.butter(order, [low, high], 'bandpass', output='sos', fs=fs).");
  m.def("butterworth_bandpass_magnitude", &sg::butterworth_bandpass_magnitude, py::arg("order"),
        py::arg("low"), py::arg("high"), py::arg("fs"), py::arg("f"),
        "The analytic |H(f)| of the digital Butterworth band-pass.");
  m.def("sos_magnitude",
        [](const py::object& sos, double f, double fs) {
          return sg::sos_magnitude(MatrixArg(sos, "sampo.signal.sos_magnitude", "sos").ref(), f, fs);
        },
        py::arg("sos"), py::arg("f"), py::arg("fs"), "|H(e^{i 2 pi f / fs})| of a cascade of sections.");
  m.def("sosfilt",
        [](const py::object& sos, const py::object& x) {
          const MatrixArg s(sos, "sampo.signal.sosfilt", "sos");
          const MatrixArg data(x, "sampo.signal.sosfilt", "x");
          py::gil_scoped_release release;
          return sg::sosfilt(s.ref(), data.ref());
        },
        py::arg("sos"), py::arg("x"),
        "Causal filtering of each row of x (channels x samples) from zero state "
        "(scipy.signal.sosfilt(sos, x, axis=-1)).");
  m.def("sosfiltfilt",
        [](const py::object& sos, const py::object& x) {
          const MatrixArg s(sos, "sampo.signal.sosfiltfilt", "sos");
          const MatrixArg data(x, "sampo.signal.sosfiltfilt", "x");
          py::gil_scoped_release release;
          return sg::sosfiltfilt(s.ref(), data.ref());
        },
        py::arg("sos"), py::arg("x"),
        "Zero-phase filtering of each row of x (scipy.signal.sosfiltfilt(sos, x, axis=-1) with "
        "its defaults: odd padding of 3 (2 sections + 1) samples).");
  m.def("epoch",
        [](const py::object& data, double fs,
           const std::vector<std::tuple<double, double, std::string>>& annotations,
           const std::vector<std::string>& events, double tmin, double tmax) {
          std::vector<io::EegAnnotation> notes;
          notes.reserve(annotations.size());
          for (const auto& [onset, duration, label] : annotations)
            notes.push_back(io::EegAnnotation{onset, duration, label});
          sg::EpochOptions o;
          o.tmin = tmin;
          o.tmax = tmax;
          const MatrixArg x(data, "sampo.signal.epoch", "data");
          return epochs_dict(sg::epoch(x.ref(), fs, notes, events, o));
        },
        py::arg("data"), py::arg("fs"), py::arg("annotations"), py::arg("events"), py::kw_only(),
        py::arg("tmin") = window.tmin, py::arg("tmax") = window.tmax,
        "Trials of a recording (channels x samples at fs) at every annotation (onset s, "
        "duration s, label) whose label is in events: samples round(tmin fs) .. round(tmax fs) "
        "after round(onset fs), both ends included (MNE's Epochs). Returns a dict: trials "
        "(n, C, T), labels (index into events), onsets, dropped.");
  m.def("load_epochs",
        [](const std::vector<std::string>& files, const std::vector<std::string>& events,
           const std::vector<std::string>& channels, double low, double high, int filter_order,
           double tmin, double tmax) {
          sg::EpochLoadOptions o;
          o.events = events;
          o.channels = channels;
          o.low = low;
          o.high = high;
          o.filter_order = filter_order;
          o.window.tmin = tmin;
          o.window.tmax = tmax;
          sg::Epochs e;
          {
            py::gil_scoped_release release;
            e = sg::load_epochs(files, o);
          }
          return epochs_dict(std::move(e));
        },
        py::arg("files"), py::kw_only(), py::arg("events") = load.events,
        py::arg("channels") = load.channels, py::arg("low") = load.low,
        py::arg("high") = load.high, py::arg("filter_order") = load.filter_order,
        py::arg("tmin") = load.window.tmin, py::arg("tmax") = load.window.tmax,
        "The epochs of one session stored in EEG files (EDF/EDF+/BDF/GDF): kept channels "
        "band-passed (zero-phase Butterworth), cut at the annotations of events, pooled in "
        "file order. OSError for an unreadable file. Returns a dict as epoch().");
}

}  // namespace sampo::python
