#pragma once
/// @file
/// The signal layer: Butterworth band-pass design, causal and zero-phase filtering in
/// second-order sections, epoching of recordings at their annotations, and loading the
/// band-passed epochs of EEG files. See docs/signal.md.

#include "sampo/signal/epochs.hpp"
#include "sampo/signal/filter.hpp"
