// The dense kernels for AVX2 + FMA: this file alone is compiled with -mavx2 -mfma, and Eigen is
// renamed so that none of its (inline, weakly linked) instantiations compiled here can replace
// a baseline one elsewhere in the program.
#include "kernels.hpp"

#if !defined(__AVX2__) || !defined(__FMA__)
#error "kernels_avx2.cpp must be compiled with -mavx2 -mfma"
#endif
#define Eigen sampo_avx2_Eigen
#define SAMPO_KERNEL_NS avx2
#include "kernels_impl.inc"
