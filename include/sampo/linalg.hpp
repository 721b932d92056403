#pragma once
/// @file
/// Umbrella header of sampo::linalg, the shared linear-algebra layer: SPD matrix functions,
/// symmetric products, Cholesky solve with a conditioning guard, thin QR, leverage scores,
/// least squares with covariance, small QPs, running statistics, the normal distribution.
#include "sampo/linalg/cholesky.hpp"
#include "sampo/linalg/kernels.hpp"
#include "sampo/linalg/least_squares.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/linalg/normal.hpp"
#include "sampo/linalg/qp.hpp"
#include "sampo/linalg/qr.hpp"
#include "sampo/linalg/running_stats.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"
