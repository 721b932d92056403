#include "sampo/core/version.hpp"

namespace sampo {
const char* version() noexcept { return SAMPO_VERSION_STRING; }
}  // namespace sampo
