// Must not compile (test core.compile_fail_eigen_abi_no_definitions): a file compiled with
// sampo's include path but without the Eigen definitions its CMake targets and sampo.pc carry,
// so Eigen picks the alignment of the instruction set (16 bytes for x86-64, 32 with -mavx2).
#include "sampo/core.hpp"

int main() { return sampo::version() != nullptr ? 0 : 1; }
