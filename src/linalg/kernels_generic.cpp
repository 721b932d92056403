// The dense kernels for the compiler's baseline instruction set.
#include "kernels.hpp"

#define SAMPO_KERNEL_NS generic
#include "kernels_impl.inc"
