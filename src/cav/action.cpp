#include "sampo/cav/action.hpp"

#include <cmath>

namespace sampo::cav {

int nearest_acceleration_action(double acceleration) noexcept {
  if (!(acceleration > kAccelerationMin)) return kFirstAcceleration;  // also NaN
  if (acceleration >= kAccelerationMax) return kFirstAcceleration + kAccelerationCount - 1;
  const double k = std::floor((acceleration - kAccelerationMin) / kAccelerationStep + 0.5);
  return kFirstAcceleration + static_cast<int>(k);
}

}  // namespace sampo::cav
