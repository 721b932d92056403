#pragma once
/// @file
/// Umbrella header of sampo::parallel: counter-based random streams (RandomStream,
/// DiscreteSampler), the reproducible batch runner (map_reduce, map_reduce_partial,
/// parallel_for, Options, ByteCodec), MPI session and identity, progress and cancellation.
#include "sampo/parallel/byte_codec.hpp"
#include "sampo/parallel/cancellation.hpp"
#include "sampo/parallel/discrete_sampler.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/parallel/mpi.hpp"
#include "sampo/parallel/progress.hpp"
#include "sampo/parallel/random_stream.hpp"
