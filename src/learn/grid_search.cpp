#include "sampo/learn/grid_search.hpp"

#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::learn {

void GridSearchOptions::validate() const {
  if (threads < 0)
    throw_invalid_argument("sampo::learn::GridSearchOptions", "threads", std::to_string(threads),
                           "must be >= 0");
}

GridSearchResult grid_search(std::size_t points, std::size_t settings, const PointScorer& score,
                             const GridSearchOptions& options) {
  constexpr const char* fn = "sampo::learn::grid_search";
  const Stopwatch watch;
  options.validate();
  if (settings == 0) throw_invalid_argument(fn, "settings", "0", "must be >= 1");
  if (!options.order.empty()) {
    std::vector<char> seen(points, 0);
    bool permutation = options.order.size() == points;
    for (std::size_t k = 0; permutation && k < points; ++k) {
      const std::size_t p = options.order[k];
      permutation = p < points && seen[p] == 0;
      if (permutation) seen[p] = 1;
    }
    if (!permutation) {
      std::string what = "must be a permutation of 0..";
      what.append(std::to_string(points)).append("-1 (").append(std::to_string(options.order.size()));
      what.append(" entries given)");
      throw_invalid_argument(fn, "options.order", {}, what);
    }
  }
  GridSearchResult r;
  r.scores.assign(points * settings, std::numeric_limits<double>::quiet_NaN());
  std::vector<char> scored(points, 0);
  // A point's error is kept by its index and the lowest one's rethrown after the loop, so that
  // the error does not depend on options.order or the thread count.
  std::vector<std::exception_ptr> errors(points);
  parallel::MapReduceOptions po;
  po.block_size = 1;  // coarse, uneven items: one point per block, handed out dynamically
  po.use_mpi = false;
  po.threads = options.threads;
  po.progress = options.progress;
  po.cancel = options.cancel;
  try {
    parallel::parallel_for(
        points,
        [&](std::size_t k) {
          const std::size_t p = options.order.empty() ? k : options.order[k];
          try {
            std::vector<double> s;
            try {
              s = score(p);
            } catch (const sampo::not_spd_error&) {
              return;  // a point that cannot give the SPD matrix its model needs: skipped
            }
            if (s.empty()) return;
            if (s.size() != settings) {
              std::string what = "returned ";
              what.append(std::to_string(s.size())).append(" scores for point ");
              what.append(std::to_string(p)).append("; expected 0 (skip) or ");
              what.append(std::to_string(settings));
              throw_invalid_argument(fn, "score", {}, what);
            }
            for (std::size_t q = 0; q < settings; ++q) r.scores[p * settings + q] = s[q];
            scored[p] = 1;
          } catch (const parallel::cancelled_error&) {
            throw;
          } catch (...) {
            errors[p] = std::current_exception();
          }
        },
        po);
  } catch (const parallel::cancelled_error&) {
    r.run.termination = Termination::user_stopped;
    r.run.message = "cancelled before every grid point was scored";
  }
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  for (char c : scored) r.run.evaluations += static_cast<std::size_t>(c);
  r.run.iterations = points;
  if (r.run.converged()) {
    for (std::size_t k = 0; k < r.scores.size(); ++k)
      if (!std::isnan(r.scores[k]) && (!r.best || r.scores[k] > r.scores[*r.best])) r.best = k;
    r.run.message =
        std::to_string(r.run.evaluations) + " of " + std::to_string(points) + " grid points scored";
  }
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::learn
