#include "sampo/mc/log_io.hpp"
#include "sampo/mc/streaming.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>
#include <cmath>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/npy.hpp"

namespace sampo::mc {
namespace {

constexpr std::string_view kMagic = "# sampo-mc-log";
constexpr std::string_view kFormat = "sampo-mc-log";

void put(std::ostream& out, double x) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  out.write(buf, res.ptr - buf);
}

std::vector<std::string> test_columns(const TestLogSchema& s, bool csv) {
  std::vector<std::string> cols{"result", "weight"};
  for (const auto& c : s.controls) cols.push_back(csv ? "control:" + c : c);
  return cols;
}

std::vector<std::string> step_columns(const TestLogSchema& s, bool csv) {
  std::vector<std::string> cols{"p", "q", "ordinal", "epsilon"};
  for (const auto& f : s.features) cols.push_back(csv ? "feature:" + f : f);
  for (const auto& k : s.surrogates) {
    cols.push_back("value:" + k);
    cols.push_back("mean:" + k);
  }
  return cols;
}

/// "data row r (line l)": the line of the r-th data row (0-based), found by rescanning.
std::string row_place(const std::filesystem::path& path, std::size_t row) {
  std::ifstream in(path);
  std::string line;
  std::size_t number = 0, data = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    if (data++ == row) break;
  }
  std::string s = "data row ";
  s.append(std::to_string(row)).append(" (line ").append(std::to_string(number)).append(")");
  return s;
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& where,
                       std::string_view field, std::string_view what) {
  std::string msg = where;
  msg.append(", field '").append(field).append("': ").append(what);
  throw_io_error("sampo::mc::read_test_log", path.string(), msg);
}

/// @p where: a callable giving the place (it rescans the file: called only on failure).
template <class Where>
std::size_t as_index(const std::filesystem::path& path, const Where& where,
                     std::string_view field, double x) {
  if (!(x >= 0 && x <= 9007199254740992.0 && x == std::floor(x)))
    fail(path, where(), field, "'" + format_value(x) + "' is not a non-negative integer");
  return std::size_t(x);
}

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

void write_test_log_csv(const std::filesystem::path& path, const TestLog& log) {
  const TestLogSchema& s = log.schema();
  io::write_file_atomic(path, [&](std::ostream& out) {
    out << kMagic << ' ' << kTestLogVersion << '\n';
    out << "test,result,weight";
    for (const auto& c : s.controls) out << ",control:" << c;
    out << ",step,p,q,ordinal,epsilon";
    for (const auto& f : s.features) out << ",feature:" << f;
    for (const auto& k : s.surrogates) out << ",value:" << k << ",mean:" << k;
    out << '\n';
    for (std::size_t i = 0; i < log.tests(); ++i) {
      const std::size_t count = log.step_count(i);
      for (std::size_t j = 0; j < std::max<std::size_t>(count, 1); ++j) {
        out << i << ',';
        put(out, log.result(i));
        out << ',';
        put(out, log.weight(i));
        for (std::size_t c = 0; c < s.controls.size(); ++c) {
          out << ',';
          put(out, log.control(i, c));
        }
        if (count == 0) {
          // No critical step: the step fields are empty.
          const std::size_t empty = 5 + s.features.size() + 2 * s.surrogates.size();
          for (std::size_t k = 0; k < empty; ++k) out << ',';
        } else {
          const std::size_t st = log.first_step(i) + j;
          out << ',' << j << ',';
          put(out, log.p(st));
          out << ',';
          put(out, log.q(st));
          out << ',' << log.ordinal(st) << ',';
          put(out, log.epsilon(st));
          for (std::size_t f = 0; f < s.features.size(); ++f) {
            out << ',';
            put(out, log.feature(st, f));
          }
          for (std::size_t k = 0; k < s.surrogates.size(); ++k) {
            out << ',';
            put(out, log.surrogate_value(st, k));
            out << ',';
            put(out, log.surrogate_mean(st, k));
          }
        }
        out << '\n';
      }
    }
  });
}

namespace {

/// Line 1 of a CSV log: the magic and a version this library reads.
void check_version_line(const std::filesystem::path& path, std::string first) {
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.pop_back();
  if (first.rfind(kMagic, 0) != 0)
    throw_io_error("sampo::mc::read_test_log", path.string(),
                   "line 1: expected '# sampo-mc-log <version>' (a sampo mc test log)");
  const std::string v = first.substr(kMagic.size() + (first.size() > kMagic.size() ? 1 : 0));
  int version = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc{} || end != v.data() + v.size() || version < 1)
    throw_io_error("sampo::mc::read_test_log", path.string(),
                   "line 1: version '" + v + "' is not a positive integer");
  if (version > kTestLogVersion)
    throw_io_error("sampo::mc::read_test_log", path.string(),
                   "line 1: version " + v + " is newer than this library reads (" +
                       std::to_string(kTestLogVersion) + ")");
}

/// The columns of a CSV log, from its header line.
struct CsvColumns {
  std::vector<std::string> header;
  TestLogSchema schema;
  Eigen::Index test = 0, result = 0, weight = 0, step = 0, p = 0, q = 0, ordinal = 0, epsilon = 0;
  std::vector<Eigen::Index> control, feature, value, mean_for;
};

CsvColumns parse_header(const std::filesystem::path& path, std::vector<std::string> header) {
  CsvColumns c;
  c.header = std::move(header);
  TestLogSchema& schema = c.schema;
  std::optional<Eigen::Index> col_test, col_result, col_weight, col_step, col_p, col_q,
      col_ordinal, col_epsilon;
  std::vector<Eigen::Index> col_mean;
  std::vector<std::string> mean_names;
  for (Eigen::Index k = 0; k < Eigen::Index(c.header.size()); ++k) {
    const std::string& h = c.header[std::size_t(k)];
    auto prefixed = [&](std::string_view prefix) { return h.rfind(prefix, 0) == 0; };
    if (h == "test") col_test = k;
    else if (h == "result") col_result = k;
    else if (h == "weight") col_weight = k;
    else if (h == "step") col_step = k;
    else if (h == "p") col_p = k;
    else if (h == "q") col_q = k;
    else if (h == "ordinal") col_ordinal = k;
    else if (h == "epsilon") col_epsilon = k;
    else if (prefixed("control:")) { schema.controls.push_back(h.substr(8)); c.control.push_back(k); }
    else if (prefixed("feature:")) { schema.features.push_back(h.substr(8)); c.feature.push_back(k); }
    else if (prefixed("value:")) { schema.surrogates.push_back(h.substr(6)); c.value.push_back(k); }
    else if (prefixed("mean:")) { mean_names.push_back(h.substr(5)); col_mean.push_back(k); }
    else
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 2: unknown column '" + h + "'");
  }
  const std::pair<const char*, std::optional<Eigen::Index>*> required[] = {
      {"test", &col_test}, {"result", &col_result}, {"weight", &col_weight},
      {"step", &col_step}, {"p", &col_p},           {"q", &col_q},
      {"ordinal", &col_ordinal}, {"epsilon", &col_epsilon}};
  for (const auto& [name, col] : required)
    if (!*col)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     std::string("line 2: the required column '").append(name).append("' is missing"));
  c.test = *col_test;
  c.result = *col_result;
  c.weight = *col_weight;
  c.step = *col_step;
  c.p = *col_p;
  c.q = *col_q;
  c.ordinal = *col_ordinal;
  c.epsilon = *col_epsilon;
  // Every surrogate needs its value and its mean, in the same order.
  c.mean_for.assign(schema.surrogates.size(), -1);
  for (std::size_t a = 0; a < mean_names.size(); ++a) {
    std::size_t b = 0;
    while (b < schema.surrogates.size() && schema.surrogates[b] != mean_names[a]) ++b;
    if (b == schema.surrogates.size())
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 2: column 'mean:" + mean_names[a] + "' has no 'value:" +
                         mean_names[a] + "'");
    c.mean_for[b] = col_mean[a];
  }
  for (std::size_t b = 0; b < schema.surrogates.size(); ++b)
    if (c.mean_for[b] < 0)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 2: column 'value:" + schema.surrogates[b] + "' has no 'mean:" +
                         schema.surrogates[b] + "'");
  try {
    schema.validate();
  } catch (const sampo::invalid_argument& e) {
    throw_io_error("sampo::mc::read_test_log", path.string(), std::string("line 2: ") + e.what());
  }
  return c;
}

/// Checks the data rows of a CSV log one at a time and builds their tests. With a batch
/// limit, every time a test closes and the builder holds that many tests they are moved to
/// `ready`, so a reader can hand them over and keep O(batch) memory.
class CsvRowParser {
 public:
  CsvRowParser(const std::filesystem::path& path, const CsvColumns& cols, std::size_t batch_limit)
      : path_(path), c_(cols), batch_limit_(batch_limit), builder_(cols.schema),
        controls_(cols.schema.controls.size()), features_(cols.schema.features.size()),
        values_(cols.schema.surrogates.size()), means_(cols.schema.surrogates.size()),
        open_values_(cols.header.size()) {}

  /// Data row @p r (0-based over the file), one value per column (NaN: empty).
  void row(std::size_t r, const double* d) {
    auto place = [&] { return row_place(path_, r); };
    const double t_raw = d[c_.test];
    if (!(t_raw >= 0 && t_raw == std::floor(t_raw) && t_raw < 9007199254740992.0))
      fail(path_, place(), "test", "'" + format_value(t_raw) + "' is not a non-negative integer");
    const auto t = std::size_t(t_raw);
    bool starts = false;
    if (!open_) {
      if (t != 0) fail(path_, place(), "test", "the first test must be 0, not " + std::to_string(t));
      open_ = starts = true;
    } else if (t == current_ + 1) {
      close();
      current_ = t;
      starts = true;
    } else if (t != current_) {
      fail(path_, place(), "test",
           std::to_string(t) + " follows test " + std::to_string(current_) +
               " (tests are numbered 0, 1, ... with their rows together)");
    }
    if (starts) {
      open_row_ = r;
      std::copy(d, d + open_values_.size(), open_values_.begin());
      next_step_ = 0;
      stepless_ = false;
      if (d[c_.weight] < 0)
        fail(path_, place(), "weight", "'" + format_value(d[c_.weight]) + "' is negative");
    } else {
      // Same test: the test fields must agree with its first row.
      if (stepless_)
        fail(path_, place(), "step", "a test with an empty step (no critical step) has one row only");
      const std::pair<const char*, Eigen::Index> same_cols[] = {{"result", c_.result},
                                                                {"weight", c_.weight}};
      for (const auto& [name, col] : same_cols)
        if (!same(d[col], open_values_[std::size_t(col)]))
          fail(path_, place(), name, "differs between the rows of test " + std::to_string(t));
      for (std::size_t k = 0; k < c_.control.size(); ++k)
        if (!same(d[c_.control[k]], open_values_[std::size_t(c_.control[k])]))
          fail(path_, place(), c_.header[std::size_t(c_.control[k])],
               "differs between the rows of test " + std::to_string(t));
    }
    const double step_raw = d[c_.step];
    if (std::isnan(step_raw)) {
      if (next_step_ != 0)
        fail(path_, place(), "step", "is empty on a later row of a test with critical steps");
      stepless_ = true;
      return;
    }
    const std::size_t step = as_index(path_, place, "step", step_raw);
    if (step != next_step_)
      fail(path_, place(), "step",
           std::to_string(step) + " where step " + std::to_string(next_step_) + " was expected");
    ++next_step_;
    for (std::size_t f = 0; f < features_.size(); ++f) features_[f] = d[c_.feature[f]];
    for (std::size_t k = 0; k < values_.size(); ++k) {
      values_[k] = d[c_.value[k]];
      means_[k] = d[c_.mean_for[k]];
    }
    const std::size_t ordinal = as_index(path_, place, "ordinal", d[c_.ordinal]);
    try {
      builder_.step(d[c_.p], d[c_.q], std::int64_t(ordinal), d[c_.epsilon], features_, values_,
                    means_);
    } catch (const sampo::invalid_argument& e) {
      fail(path_, place(), "p/q/epsilon/feature/surrogate", global_test(e.what()));
    }
  }

  /// Closes the last test (end of the data).
  void end() {
    if (open_) close();
    open_ = false;
  }

  /// The tests built since the last take (whole tests only).
  TestLog take() {
    TestLog log = std::move(builder_).finish();
    builder_ = TestLogBuilder(c_.schema);
    batch_first_ += log.tests();
    return log;
  }
  /// A batch moved aside by the batch limit, if any.
  std::optional<TestLog> ready;

 private:
  void close() {
    for (std::size_t k = 0; k < controls_.size(); ++k)
      controls_[k] = open_values_[std::size_t(c_.control[k])];
    try {
      builder_.end_test(open_values_[std::size_t(c_.result)],
                        open_values_[std::size_t(c_.weight)], controls_);
    } catch (const sampo::invalid_argument& e) {
      fail(path_, row_place(path_, open_row_), "result/weight/control", global_test(e.what()));
    }
    if (batch_limit_ > 0 && builder_.tests() >= batch_limit_) ready = take();
  }

  /// The builder numbers the tests of its batch from 0: "(test k" becomes the file's number.
  std::string global_test(std::string what) const {
    const auto at = what.rfind("(test ");
    if (at == std::string::npos || batch_first_ == 0) return what;
    std::size_t k = 0, end = at + 6;
    const auto [ptr, ec] = std::from_chars(what.data() + end, what.data() + what.size(), k);
    if (ec != std::errc{}) return what;
    return what.replace(end, std::size_t(ptr - (what.data() + end)),
                        std::to_string(k + batch_first_));
  }

  const std::filesystem::path& path_;
  const CsvColumns& c_;
  std::size_t batch_first_ = 0;  // global index of the builder's first test
  std::size_t batch_limit_;
  TestLogBuilder builder_;
  std::vector<double> controls_, features_, values_, means_, open_values_;
  std::size_t current_ = 0, next_step_ = 0, open_row_ = 0;
  bool open_ = false, stepless_ = false;
};

}  // namespace

TestLog read_test_log_csv(const std::filesystem::path& path) {
  {
    std::ifstream in(path);
    if (!in) throw_io_error("sampo::mc::read_test_log", path.string(), "cannot open the file");
    std::string first;
    std::getline(in, first);
    check_version_line(path, first);
  }
  io::CsvOptions csv;
  csv.text_columns = false;
  const io::CsvTable table = io::read_csv(path, csv);
  const CsvColumns cols = parse_header(path, table.header);
  CsvRowParser parser(path, cols, 0);
  // Row-major copy of one row at a time (the table is column-major).
  std::vector<double> row(cols.header.size());
  const Eigen::MatrixXd& d = table.data;
  for (Eigen::Index r = 0; r < d.rows(); ++r) {
    for (Eigen::Index k = 0; k < d.cols(); ++k) row[std::size_t(k)] = d(r, k);
    parser.row(std::size_t(r), row.data());
  }
  parser.end();
  return parser.take();
}

// ---- TestLogCsvStream ----------------------------------------------------------------------

struct TestLogCsvStream::Impl {
  std::filesystem::path path;
  std::ifstream in;
  CsvColumns cols;
  std::unique_ptr<CsvRowParser> parser;
  std::vector<double> row;
  std::size_t data_rows = 0, tests_before = 0, handed = 0;
  std::uintmax_t bytes = 0, size = 0;
  bool done = false;
  sampo::Progress* progress = nullptr;
  std::uintmax_t reported = 0;

  void report() {
    if (progress && bytes > reported) progress->advance(std::size_t(bytes - reported));
    reported = bytes;
  }
  bool getline(std::string& line) {
    if (!std::getline(in, line)) return false;
    bytes += line.size() + 1;
    return true;
  }
  static bool skip(const std::string& line) {
    const auto first = line.find_first_not_of(" \t\r");
    return first == std::string::npos || line[first] == '#';
  }
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
      const auto comma = line.find(',', start);
      std::string field = line.substr(start, comma == std::string::npos ? std::string::npos
                                                                        : comma - start);
      const auto a = field.find_first_not_of(" \t\r");
      const auto b = field.find_last_not_of(" \t\r");
      out.push_back(a == std::string::npos ? std::string() : field.substr(a, b - a + 1));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  void parse_row(const std::string& line) {
    const std::size_t width = row.size();
    const auto fields = std::size_t(std::count(line.begin(), line.end(), ',')) + 1;
    if (fields != width)
      fail(path, row_place(path, data_rows), "row",
           std::to_string(fields) + " fields where the header has " + std::to_string(width));
    std::size_t start = 0;
    for (std::size_t k = 0; k < width; ++k) {
      const auto comma = line.find(',', start);
      std::size_t a = start, b = comma == std::string::npos ? line.size() : comma;
      while (a < b && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r')) ++a;
      while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r')) --b;
      if (a == b) {
        row[k] = std::numeric_limits<double>::quiet_NaN();
      } else {
        const char* first = line.data() + a;
        if (*first == '+') ++first;
        const auto [end, ec] = std::from_chars(first, line.data() + b, row[k]);
        if (ec != std::errc{} || end != line.data() + b)
          fail(path, row_place(path, data_rows), cols.header[k],
               "'" + line.substr(a, b - a) + "' is not a number");
      }
      start = comma + 1;
    }
  }
};

TestLogCsvStream::TestLogCsvStream(const std::filesystem::path& path, std::size_t batch_tests)
    : impl_(std::make_unique<Impl>()) {
  if (batch_tests == 0)
    throw_invalid_argument("sampo::mc::TestLogCsvStream", "batch_tests", "0", "must be >= 1");
  Impl& m = *impl_;
  m.path = path;
  m.in.open(path);
  if (!m.in) throw_io_error("sampo::mc::read_test_log", path.string(), "cannot open the file");
  std::error_code ec;
  m.size = std::filesystem::file_size(path, ec);
  std::string line;
  m.getline(line);
  check_version_line(path, line);
  bool header = false;
  while (m.getline(line))
    if (!Impl::skip(line)) {
      header = true;
      break;
    }
  if (!header) throw_io_error("sampo::mc::read_test_log", path.string(), "has no header line");
  m.cols = parse_header(path, Impl::split(line));
  m.row.resize(m.cols.header.size());
  m.parser = std::make_unique<CsvRowParser>(m.path, m.cols, batch_tests);
}

TestLogCsvStream::~TestLogCsvStream() = default;
TestLogCsvStream::TestLogCsvStream(TestLogCsvStream&&) noexcept = default;
TestLogCsvStream& TestLogCsvStream::operator=(TestLogCsvStream&&) noexcept = default;

const TestLogSchema& TestLogCsvStream::schema() const noexcept { return impl_->cols.schema; }
std::size_t TestLogCsvStream::tests_before() const noexcept { return impl_->tests_before; }
std::uintmax_t TestLogCsvStream::bytes_read() const noexcept { return impl_->bytes; }
std::uintmax_t TestLogCsvStream::file_size() const noexcept { return impl_->size; }
void TestLogCsvStream::set_progress(sampo::Progress* progress) noexcept {
  impl_->progress = progress;
  impl_->reported = 0;
}

TestLog read_test_log_csv(const std::filesystem::path& path, sampo::Progress* progress) {
  TestLogCsvStream s(path, std::numeric_limits<std::size_t>::max());
  s.set_progress(progress);
  TestLog log;
  if (!s.next(log)) log = TestLog();
  if (log.empty()) {
    // No tests: the schema of the header, as read_test_log_csv gives it.
    return read_test_log_csv(path);
  }
  return log;
}

bool TestLogCsvStream::next(TestLog& batch) {
  Impl& m = *impl_;
  m.tests_before = m.handed;
  batch = TestLog();
  if (m.done) return false;
  std::string line;
  while (!m.parser->ready) {
    if (!m.getline(line)) {
      m.parser->end();
      m.done = true;
      m.parser->ready = m.parser->take();
      break;
    }
    if (Impl::skip(line)) continue;
    m.parse_row(line);
    m.parser->row(m.data_rows, m.row.data());
    if (++m.data_rows % 4096 == 0) m.report();
  }
  m.report();
  batch = std::move(*m.parser->ready);
  m.parser->ready.reset();
  m.handed += batch.tests();
  return !batch.empty();
}

void write_test_log_npy(const std::filesystem::path& directory, const TestLog& log) {
  const TestLogSchema& s = log.schema();
  const auto n = Eigen::Index(log.tests()), steps = Eigen::Index(log.steps());
  const auto tc = Eigen::Index(2 + s.controls.size());
  const auto sc = Eigen::Index(5 + s.features.size() + 2 * s.surrogates.size());
  Eigen::MatrixXd tests(n, tc), st(steps, sc);
  for (Eigen::Index i = 0; i < n; ++i) {
    tests(i, 0) = log.result(std::size_t(i));
    tests(i, 1) = log.weight(std::size_t(i));
    for (std::size_t c = 0; c < s.controls.size(); ++c)
      tests(i, Eigen::Index(2 + c)) = log.control(std::size_t(i), c);
    for (std::size_t k = log.first_step(std::size_t(i)), e = k + log.step_count(std::size_t(i));
         k < e; ++k) {
      const auto r = Eigen::Index(k);
      st(r, 0) = double(i);
      st(r, 1) = log.p(k);
      st(r, 2) = log.q(k);
      st(r, 3) = double(log.ordinal(k));
      st(r, 4) = log.epsilon(k);
      Eigen::Index col = 5;
      for (std::size_t f = 0; f < s.features.size(); ++f) st(r, col++) = log.feature(k, f);
      for (std::size_t m = 0; m < s.surrogates.size(); ++m) {
        st(r, col++) = log.surrogate_value(k, m);
        st(r, col++) = log.surrogate_mean(k, m);
      }
    }
  }
  nlohmann::json manifest;
  manifest["format"] = std::string(kFormat);
  manifest["version"] = kTestLogVersion;
  manifest["tests"] = log.tests();
  manifest["steps"] = log.steps();
  manifest["test_columns"] = test_columns(s, true);
  std::vector<std::string> step_cols{"test"};
  for (auto& c : step_columns(s, true)) step_cols.push_back(c);
  manifest["step_columns"] = step_cols;
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    throw_io_error("sampo::mc::write_test_log_npy", directory.string(),
                   "cannot create the directory: " + ec.message());
  auto write_all = [&] {
    io::write_npy_matrix(directory / "tests.npy", tests);
    io::write_npy_matrix(directory / "steps.npy", st);
    io::write_json(directory / "manifest.json", manifest);
  };
  if (io::OutputTransaction::current() != nullptr) {
    write_all();  // staged in the caller's transaction
  } else {
    io::OutputTransaction tx;
    write_all();
    tx.commit();
  }
}

TestLog read_test_log_npy(const std::filesystem::path& directory) {
  constexpr std::string_view function = "sampo::mc::read_test_log";
  const auto manifest_path = directory / "manifest.json";
  const nlohmann::json manifest = io::read_json(manifest_path);
  auto bad = [&](const std::string& what) {
    throw_io_error(function, manifest_path.string(), what);
  };
  if (!manifest.is_object() || manifest.value("format", std::string()) != kFormat)
    bad("field 'format': not \"sampo-mc-log\"");
  if (!manifest.contains("version") || !manifest["version"].is_number_integer())
    bad("field 'version': missing or not an integer");
  const int version = manifest["version"].get<int>();
  if (version < 1 || version > kTestLogVersion)
    bad("field 'version': " + std::to_string(version) + " is not a version this library reads (1.." +
        std::to_string(kTestLogVersion) + ")");
  TestLogSchema schema;
  std::vector<std::string> tcols, scols;
  try {
    tcols = manifest.at("test_columns").get<std::vector<std::string>>();
    scols = manifest.at("step_columns").get<std::vector<std::string>>();
  } catch (const std::exception&) {
    bad("fields 'test_columns' / 'step_columns': missing or not arrays of strings");
  }
  if (tcols.size() < 2 || tcols[0] != "result" || tcols[1] != "weight")
    bad("field 'test_columns': must begin with \"result\", \"weight\"");
  for (std::size_t k = 2; k < tcols.size(); ++k) {
    if (tcols[k].rfind("control:", 0) != 0)
      bad("field 'test_columns': unknown column '" + tcols[k] + "'");
    schema.controls.push_back(tcols[k].substr(8));
  }
  const std::vector<std::string> fixed{"test", "p", "q", "ordinal", "epsilon"};
  if (scols.size() < fixed.size() || !std::equal(fixed.begin(), fixed.end(), scols.begin()))
    bad("field 'step_columns': must begin with \"test\", \"p\", \"q\", \"ordinal\", \"epsilon\"");
  std::size_t k = fixed.size();
  for (; k < scols.size() && scols[k].rfind("feature:", 0) == 0; ++k)
    schema.features.push_back(scols[k].substr(8));
  for (; k + 1 < scols.size() + 1 && k < scols.size(); k += 2) {
    if (scols[k].rfind("value:", 0) != 0 || k + 1 >= scols.size() ||
        scols[k + 1] != "mean:" + scols[k].substr(6))
      bad("field 'step_columns': '" + scols[k] +
          "' is not a 'value:<name>' followed by its 'mean:<name>'");
    schema.surrogates.push_back(scols[k].substr(6));
  }
  try {
    schema.validate();
  } catch (const sampo::invalid_argument& e) {
    bad(e.what());
  }
  const Eigen::MatrixXd tests = io::read_npy_matrix(directory / "tests.npy");
  const Eigen::MatrixXd steps = io::read_npy_matrix(directory / "steps.npy");
  const auto want_tests = manifest.value("tests", std::size_t(0));
  const auto want_steps = manifest.value("steps", std::size_t(0));
  auto shape_fail = [&](const char* file, Eigen::Index rows, Eigen::Index cols, std::size_t wr,
                        std::size_t wc) {
    std::string what = "shape ";
    what.append(std::to_string(rows)).append(" x ").append(std::to_string(cols));
    what.append(", the manifest says ").append(std::to_string(wr)).append(" x ");
    what.append(std::to_string(wc));
    throw_io_error(function, (directory / file).string(), what);
  };
  if (std::size_t(tests.rows()) != want_tests || std::size_t(tests.cols()) != tcols.size())
    shape_fail("tests.npy", tests.rows(), tests.cols(), want_tests, tcols.size());
  // A 0 x c array may come back as 0 x 0 or 0 x 1.
  if (want_steps > 0 &&
      (std::size_t(steps.rows()) != want_steps || std::size_t(steps.cols()) != scols.size()))
    shape_fail("steps.npy", steps.rows(), steps.cols(), want_steps, scols.size());
  const auto steps_path = (directory / "steps.npy").string();
  auto row_fail = [&](const std::string& file, Eigen::Index row, std::string_view field,
                      const std::string& what) {
    std::string msg = "row ";
    msg.append(std::to_string(row)).append(", field '").append(field).append("': ").append(what);
    throw_io_error(function, file, msg);
  };
  TestLogBuilder builder(schema);
  std::vector<double> controls(schema.controls.size()), features(schema.features.size()),
      values(schema.surrogates.size()), means(schema.surrogates.size());
  Eigen::Index r = 0;
  for (Eigen::Index i = 0; i < tests.rows(); ++i) {
    for (; r < Eigen::Index(want_steps); ++r) {
      const double t = steps(r, 0);
      if (!(t >= 0 && t == std::floor(t) && t < double(tests.rows())))
        row_fail(steps_path, r, "test", "'" + format_value(t) + "' is not a test number");
      if (std::size_t(t) < std::size_t(i))
        row_fail(steps_path, r, "test", "rows must be grouped by test in increasing order");
      if (std::size_t(t) > std::size_t(i)) break;
      const double ord = steps(r, 3);
      if (!(ord >= 0 && ord == std::floor(ord) && ord < 9007199254740992.0))
        row_fail(steps_path, r, "ordinal", "'" + format_value(ord) + "' is not a non-negative integer");
      Eigen::Index col = 5;
      for (auto& f : features) f = steps(r, col++);
      for (std::size_t m = 0; m < values.size(); ++m) {
        values[m] = steps(r, col++);
        means[m] = steps(r, col++);
      }
      try {
        builder.step(steps(r, 1), steps(r, 2), std::int64_t(ord), steps(r, 4), features, values,
                     means);
      } catch (const sampo::invalid_argument& e) {
        row_fail(steps_path, r, "p/q/epsilon/feature/surrogate", e.what());
      }
    }
    for (std::size_t c = 0; c < controls.size(); ++c) controls[c] = tests(i, Eigen::Index(2 + c));
    if (tests(i, 1) < 0)
      row_fail((directory / "tests.npy").string(), i, "weight",
               "'" + format_value(tests(i, 1)) + "' is negative");
    try {
      builder.end_test(tests(i, 0), tests(i, 1), controls);
    } catch (const sampo::invalid_argument& e) {
      row_fail((directory / "tests.npy").string(), i, "result/weight/control", e.what());
    }
  }
  if (r < Eigen::Index(want_steps))
    row_fail(steps_path, r, "test", "refers to no test (rows must be grouped by test in order)");
  return std::move(builder).finish();
}

TestLog read_test_log(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return read_test_log_npy(path);
  return read_test_log_csv(path);
}

}  // namespace sampo::mc
