#pragma once
/// @file
/// The instruction set of sampo's dense kernels, chosen at run time.
///
/// The hot loops of the SPD functions (the symmetric eigensolver, V diag(f) Vᵀ and the
/// congruence W A Wᵀ), of the Gram product AᵀA (gram()) and of the Gram route's leverage
/// scores ‖L⁻¹a_i‖² are compiled twice: once for the baseline of the target (x86-64: SSE2),
/// once for AVX2 + FMA. The first call picks the AVX2 + FMA build when the processor has both,
/// which makes a 64 x 64 eigendecomposition about 1.5x faster and the Gram route of
/// leverage_scores on 10^6 x 100 about 2.5-3x faster; nothing else in sampo changes.
///
/// Reproducibility. Both builds are backward stable with the same error model, but they round
/// differently, so results agree to the error model, not bit for bit. On one machine the choice
/// never changes (thread and MPI rank counts do not affect it). Batch studies that must give
/// bit-identical results on machines of different generations select the generic kernels:
/// `use_kernel_set(KernelSet::generic)` or the environment variable `SAMPO_KERNELS=generic`
/// (read at the first use; `avx2` asks for AVX2 + FMA and falls back, with a warning, where the
/// processor lacks them).

#include <string_view>

namespace sampo::linalg {

/// The builds of the dense kernels.
enum class KernelSet {
  generic,  ///< the compiler's baseline for the target (x86-64: SSE2)
  avx2,     ///< AVX2 + FMA (x86-64 only; built when the compiler supports the flags)
};

/// "generic" or "avx2".
[[nodiscard]] std::string_view to_string(KernelSet k) noexcept;

/// True when @p k was built and the processor can run it.
[[nodiscard]] bool kernel_set_available(KernelSet k) noexcept;

/// The kernels in use (decided at the first call from SAMPO_KERNELS and the processor).
[[nodiscard]] KernelSet kernel_set() noexcept;

/// Selects the kernels for every later call (thread-safe; calls already running finish on the
/// previous set).
/// @throw sampo::invalid_argument if kernel_set_available(k) is false.
void use_kernel_set(KernelSet k);

}  // namespace sampo::linalg
