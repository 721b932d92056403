#pragma once
/// @file
/// The learn layer: statistical learning shared by the modules (folds, class labels).
/// See docs/learn.md.

#include "sampo/learn/folds.hpp"
#include "sampo/learn/labels.hpp"
