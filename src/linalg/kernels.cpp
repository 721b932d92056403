#include "sampo/linalg/kernels.hpp"

#include "kernels.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"

namespace sampo::linalg {
namespace {

bool cpu_has_avx2() noexcept {
#if defined(SAMPO_HAVE_AVX2_KERNELS) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const detail::DenseKernels& kernels_of(KernelSet k) noexcept {
#ifdef SAMPO_HAVE_AVX2_KERNELS
  if (k == KernelSet::avx2) return detail::avx2::kernels;
#endif
  (void)k;
  return detail::generic::kernels;
}

/// The default: SAMPO_KERNELS if set and usable, else the best the processor runs.
KernelSet initial_set() {
  const char* env = std::getenv("SAMPO_KERNELS");
  const std::string want = env ? env : "";
  if (want == "generic") return KernelSet::generic;
  if (!want.empty() && want != "avx2")
    log(LogLevel::warning, "SAMPO_KERNELS=" + want + " is not generic or avx2; ignored");
  if (want == "avx2" && !kernel_set_available(KernelSet::avx2))
    log(LogLevel::warning,
        "SAMPO_KERNELS=avx2: not built or the processor lacks AVX2/FMA; using generic");
  return kernel_set_available(KernelSet::avx2) ? KernelSet::avx2 : KernelSet::generic;
}

std::atomic<int>& current() {
  static std::atomic<int> set{static_cast<int>(initial_set())};
  return set;
}

}  // namespace

std::string_view to_string(KernelSet k) noexcept {
  return k == KernelSet::avx2 ? "avx2" : "generic";
}

bool kernel_set_available(KernelSet k) noexcept {
  return k == KernelSet::generic || cpu_has_avx2();
}

KernelSet kernel_set() noexcept {
  return static_cast<KernelSet>(current().load(std::memory_order_relaxed));
}

void use_kernel_set(KernelSet k) {
  if (!kernel_set_available(k))
    throw_invalid_argument("sampo::linalg::use_kernel_set", "k", to_string(k),
                           "is not available (not built, or the processor lacks AVX2 and FMA)");
  current().store(static_cast<int>(k), std::memory_order_relaxed);
}

namespace detail {
const DenseKernels& dense_kernels() noexcept { return kernels_of(kernel_set()); }
}  // namespace detail

}  // namespace sampo::linalg
