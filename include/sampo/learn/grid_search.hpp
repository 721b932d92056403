#pragma once
/// @file
/// A generic parallel grid search: every grid point is scored by a caller's scorer, in
/// parallel over points (sampo::parallel::parallel_for, one point per block), and the best
/// (point, setting) is the first maximum in index order. A point whose scorer says it is
/// unusable is skipped; so is one whose scorer throws sampo::not_spd_error (a model that
/// needs an SPD matrix the point cannot give). Any other error propagates: the lowest
/// failing point's, whatever the thread count. Each point's scores are computed alone, so the
/// scores and the choice are the same for any thread count.

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "sampo/core/termination.hpp"
#include "sampo/parallel/cancellation.hpp"
#include "sampo/parallel/progress.hpp"

namespace sampo::learn {

/// How a grid search runs (none of these changes a score).
struct GridSearchOptions {
  int threads = 0;  ///< OpenMP threads (>= 0); 0 = omp_get_max_threads()
  /// Advanced by 1 per grid point finished (scored or skipped). Not owned.
  parallel::Progress* progress = nullptr;
  /// Polled before each point starts; a raised flag ends the search early (user_stopped).
  const parallel::CancellationFlag* cancel = nullptr;
  /// The order in which the points are handed to the threads: a permutation of 0..points-1
  /// (e.g. the costliest first, so that cheap points fill the gaps at the end); empty (default):
  /// 0, 1, 2, ... Scores, the choice and the error raised do not depend on it.
  std::vector<std::size_t> order;
  /// @throw sampo::invalid_argument naming the field (threads < 0).
  void validate() const;
};

/// What a grid search found.
struct GridSearchResult {
  /// points x settings scores, point p's setting q at p * settings + q; NaN where the point
  /// was skipped (or not reached when cancelled).
  std::vector<double> scores;
  /// Index into scores of the first maximum among the non-NaN scores; empty when every point
  /// was skipped or the search was cancelled.
  std::optional<std::size_t> best;
  /// iterations = points, evaluations = points scored (not skipped), seconds; termination
  /// converged, or user_stopped when the cancellation flag ended the search.
  sampo::Run run;
};

/// Scores of one grid point, one per setting (e.g. per classifier setting tried at that
/// point), larger is better; an empty vector skips the point.
using PointScorer = std::function<std::vector<double>(std::size_t point)>;

/// Scores grid points 0..points-1 with @p score (see the file comment).
/// @param points number of grid points. @param settings scores per point (>= 1).
/// @throw sampo::invalid_argument if settings == 0, options are bad (options.order not a
///        permutation of 0..points-1), or a scorer returns
///        other than 0 or @p settings scores; the lowest failing point's exception otherwise
///        (sampo::not_spd_error excepted: it skips the point).
[[nodiscard]] GridSearchResult grid_search(std::size_t points, std::size_t settings,
                                           const PointScorer& score,
                                           const GridSearchOptions& options = {});

}  // namespace sampo::learn
