#pragma once
/// @file
/// Cooperative cancellation of batch runs: sampo::CancellationFlag (sampo/core/cancellation.hpp,
/// where every long-running algorithm finds it) under its parallel name, and the exception
/// map_reduce and parallel_for throw when it stops them.

#include <stdexcept>

#include "sampo/core/cancellation.hpp"

namespace sampo::parallel {

/// The same type as sampo::CancellationFlag. map_reduce / parallel_for check it before
/// starting each block, so a run stops within one block's worth of work per thread.
using sampo::CancellationFlag;

/// Thrown by map_reduce and parallel_for when their CancellationFlag was raised before every
/// block had run. (map_reduce_partial returns the completed prefix instead of throwing.)
class cancelled_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sampo::parallel
