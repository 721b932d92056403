#include "sampo/cav/probability_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "sampo/core/error.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/npy.hpp"

namespace sampo::cav {

namespace {

constexpr double kPmfTolerance = 1e-6;  // float32 tables round each entry to ~6e-8 relative

std::string describe_cell(const std::vector<GridAxis>& axes, std::size_t cell) {
  // Cell index → keys (last axis fastest).
  std::vector<std::size_t> idx(axes.size());
  for (std::size_t d = axes.size(); d-- > 0;) {
    idx[d] = cell % axes[d].count;
    cell /= axes[d].count;
  }
  std::string s("(");
  for (std::size_t d = 0; d < axes.size(); ++d) {
    if (d) s.append(", ");
    s.append(axes[d].name).append("=").append(
        format_value(axes[d].start + axes[d].step * static_cast<double>(idx[d])));
  }
  s.append(")");
  return s;
}

}  // namespace

ProbabilityTable::ProbabilityTable(std::vector<GridAxis> axes, std::size_t values,
                                   std::vector<double> data, bool pmf_rows, std::string source)
    : axes_(std::move(axes)), values_(values), data_(std::move(data)), pmf_rows_(pmf_rows),
      source_(std::move(source)) {
  constexpr const char* fn = "sampo::cav::ProbabilityTable";
  if (axes_.empty() || axes_.size() > 3)
    throw_invalid_argument(fn, "axes", std::to_string(axes_.size()), "must have 1 to 3 axes");
  std::size_t cells = 1;
  for (const auto& a : axes_) {
    if (!std::isfinite(a.start) || !(a.step > 0.0) || !std::isfinite(a.step) || a.count == 0)
      throw_invalid_argument(fn, "axes", a.name, "needs a finite start, a step > 0 and count >= 1");
    cells *= a.count;
  }
  if (values_ == 0) throw_invalid_argument(fn, "values", "0", "must be >= 1");
  if (data_.size() != cells * values_)
    throw_invalid_argument(fn, "data", std::to_string(data_.size()),
                           "size must be the number of cells times values");
  for (std::size_t c = 0; c < cells; ++c) {
    double sum = 0.0;
    for (std::size_t k = 0; k < values_; ++k) {
      const double x = data_[c * values_ + k];
      if (!std::isfinite(x) || x < 0.0 || (!pmf_rows_ && x > 1.0)) {
        std::string what("row ");
        what.append(std::to_string(c)).append(" ").append(describe_cell(axes_, c));
        what.append(", value ").append(std::to_string(k)).append(" = ").append(format_value(x));
        what.append(pmf_rows_ ? ": must be finite and >= 0" : ": must be a probability in [0, 1]");
        throw_invalid_argument(fn, source_, "", what);
      }
      sum += x;
    }
    if (pmf_rows_ && sum != 0.0 && std::abs(sum - 1.0) > kPmfTolerance) {
      std::string what("row ");
      what.append(std::to_string(c)).append(" ").append(describe_cell(axes_, c));
      what.append(" sums to ").append(format_value(sum)).append(", not 1 (or 0: no data)");
      throw_invalid_argument(fn, source_, "", what);
    }
  }
}

long ProbabilityTable::cell(std::span<const double> keys) const noexcept {
  if (keys.size() != axes_.size()) return -1;
  long c = 0;
  for (std::size_t d = 0; d < axes_.size(); ++d) {
    const auto& a = axes_[d];
    const double k = std::floor((keys[d] - a.start) / a.step + 0.5);
    if (!(k >= 0.0) || k > static_cast<double>(a.count - 1)) return -1;  // also NaN / inf
    c = c * static_cast<long>(a.count) + static_cast<long>(k);
  }
  return c;
}

bool ProbabilityTable::has_data(std::size_t c) const noexcept {
  for (double x : row(c))
    if (x != 0.0) return true;
  return false;
}

ProbabilityTable read_probability_table_csv(const std::filesystem::path& path,
                                            const std::vector<std::string>& key_columns,
                                            const std::vector<std::string>& value_columns,
                                            bool pmf_rows) {
  constexpr const char* fn = "sampo::cav::read_probability_table_csv";
  const io::CsvTable t = io::read_csv(path);
  const std::string src = path.string();
  if (key_columns.empty() || key_columns.size() > 3)
    throw_invalid_argument(fn, "key_columns", std::to_string(key_columns.size()), "must name 1 to 3 columns");
  if (value_columns.empty()) throw_invalid_argument(fn, "value_columns", "0", "must name a column");
  if (t.rows() == 0) throw_invalid_argument(fn, src, "", "the table has no rows");
  std::vector<GridAxis> axes;
  std::vector<Eigen::Index> key_idx;
  for (const auto& name : key_columns) {
    const Eigen::Index j = t.column_index(name);
    key_idx.push_back(j);
    std::vector<double> u(t.data.col(j).data(), t.data.col(j).data() + t.rows());
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    GridAxis a{name, u.front(), 1.0, u.size()};
    if (u.size() > 1) {
      a.step = (u.back() - u.front()) / static_cast<double>(u.size() - 1);
      for (std::size_t k = 0; k < u.size(); ++k)
        if (std::abs(u[k] - (a.start + a.step * static_cast<double>(k))) > 1e-9 * std::max(1.0, std::abs(u[k])))
          throw_invalid_argument(fn, src, "",
                                 std::string("column '").append(name).append("' is not evenly spaced at ").append(format_value(u[k])));
    }
    axes.push_back(a);
  }
  std::vector<Eigen::Index> val_idx;
  for (const auto& name : value_columns) val_idx.push_back(t.column_index(name));
  std::size_t cells = 1;
  for (const auto& a : axes) cells *= a.count;
  if (static_cast<std::size_t>(t.rows()) != cells)
    throw_invalid_argument(fn, src, "",
                           std::string("has ").append(std::to_string(t.rows())).append(" rows for a grid of ").append(std::to_string(cells)).append(" cells"));
  const std::size_t nv = value_columns.size();
  std::vector<double> data(cells * nv, 0.0);
  std::vector<char> seen(cells, 0);
  const ProbabilityTable probe(axes, 1, std::vector<double>(cells, 0.0), false, src);
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    double keys[3];
    for (std::size_t d = 0; d < axes.size(); ++d) keys[d] = t.data(r, key_idx[d]);
    const long c = probe.cell(std::span<const double>(keys, axes.size()));
    const std::string row = std::string("data row ").append(std::to_string(r + 1));
    if (c < 0 || seen[static_cast<std::size_t>(c)])
      throw_invalid_argument(fn, src, "", row + (c < 0 ? ": keys off the grid" : ": duplicate grid cell"));
    seen[static_cast<std::size_t>(c)] = 1;
    for (std::size_t k = 0; k < nv; ++k) data[static_cast<std::size_t>(c) * nv + k] = t.data(r, val_idx[k]);
  }
  return ProbabilityTable(std::move(axes), nv, std::move(data), pmf_rows, src);
}

ProbabilityTable read_probability_table_npy(const std::filesystem::path& path,
                                            std::vector<GridAxis> axes, std::size_t values,
                                            bool pmf_rows) {
  constexpr const char* fn = "sampo::cav::read_probability_table_npy";
  io::NpyArray a = io::read_npy(path);
  const std::string src = path.string();
  if (a.shape.size() != axes.size() + 1 || a.shape.back() != values) {
    std::string shape("(");
    for (std::size_t d = 0; d < a.shape.size(); ++d) {
      if (d) shape.append(", ");
      shape.append(std::to_string(a.shape[d]));
    }
    shape.append(")");
    throw_invalid_argument(fn, src, shape,
                           std::string("shape must have ").append(std::to_string(axes.size() + 1)).append(" dimensions, the last ").append(std::to_string(values)));
  }
  for (std::size_t d = 0; d < axes.size(); ++d) axes[d].count = a.shape[d];
  return ProbabilityTable(std::move(axes), values, std::move(a.values), pmf_rows, src);
}

TableNaturalistic::TableNaturalistic(NaturalisticTables tables,
                                     const ParametricNaturalisticOptions& fallback)
    : tables_(std::move(tables)), fallback_(fallback) {
  constexpr const char* fn = "sampo::cav::TableNaturalistic";
  auto require = [&](const std::shared_ptr<const ProbabilityTable>& t, const char* name,
                     std::size_t axes, std::size_t values, bool pmf) {
    if (!t) return;
    if (t->axes().size() != axes || t->values() != values || t->pmf_rows() != pmf)
      throw_invalid_argument(fn, name, "",
                             std::string("needs ").append(std::to_string(axes)).append(" axes and ").append(std::to_string(values)).append(pmf ? " pmf values per cell" : " probability per cell"));
  };
  require(tables_.car_following, "car_following", 3, kAccelerationCount, true);
  require(tables_.free_flow, "free_flow", 1, kAccelerationCount, true);
  require(tables_.lane_change, "lane_change", 3, 1, false);
  if (tables_.lane_change)
    for (std::size_t c = 0; c < tables_.lane_change->cells(); ++c)
      if (tables_.lane_change->row(c)[0] > 0.5)
        throw_invalid_argument(fn, "lane_change", format_value(tables_.lane_change->row(c)[0]),
                               std::string("row ").append(std::to_string(c)).append(": a one-side lane-change probability must be <= 0.5"));
}

void TableNaturalistic::action_pmf(const LocalSituation& s, ActionPmf& pmf) const {
  // Start from the parametric model; overwrite what the tables cover.
  fallback_.action_pmf(s, pmf);
  double side[2] = {pmf[kLaneLeft], pmf[kLaneRight]};
  if (tables_.lane_change) {
    const LaneView* views[2] = {&s.left, &s.right};
    for (int k = 0; k < 2; ++k) {
      if (!views[k]->exists) continue;
      const double keys[3] = {s.speed, views[k]->front_gap, views[k]->front_speed - s.speed};
      const long c = tables_.lane_change->cell(keys);
      if (c >= 0) side[k] = tables_.lane_change->row(static_cast<std::size_t>(c))[0];
    }
  }
  const double mass = 1.0 - side[0] - side[1];
  pmf[kLaneLeft] = side[0];
  pmf[kLaneRight] = side[1];
  std::span<double, kAccelerationCount> acc(pmf.data() + kFirstAcceleration, kAccelerationCount);
  const ProbabilityTable* table = nullptr;
  long c = -1;
  if (tables_.car_following && std::isfinite(s.own.front_gap)) {
    const double keys[3] = {s.own.front_gap, s.own.front_speed - s.speed, s.speed};
    c = tables_.car_following->cell(keys);
    if (c >= 0) table = tables_.car_following.get();
  }
  if (!table && tables_.free_flow) {
    const double keys[1] = {s.speed};
    c = tables_.free_flow->cell(keys);
    if (c >= 0) table = tables_.free_flow.get();
  }
  if (table && table->has_data(static_cast<std::size_t>(c))) {
    const auto row = table->row(static_cast<std::size_t>(c));
    double sum = 0.0;
    for (double x : row) sum += x;
    for (std::size_t k = 0; k < acc.size(); ++k) acc[k] = mass * row[k] / sum;
    return;
  }
  // Parametric accelerations, rescaled to the remaining mass.
  double sum = 0.0;
  for (double x : acc) sum += x;
  for (auto& x : acc) x = x * mass / sum;
}

}  // namespace sampo::cav
