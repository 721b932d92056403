#include "sampo/core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sampo {

namespace {
std::atomic<detail::RankQuery> rank_query{nullptr};

int process_rank() noexcept {
  const detail::RankQuery query = rank_query.load(std::memory_order_acquire);
  return query != nullptr ? query() : 0;
}

constexpr std::int64_t kRedrawNs = 100'000'000;  // at most ten redraws a second
constexpr int kBarWidth = 30;

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}
}  // namespace

Progress::Progress(std::size_t total, std::string label, bool enabled)
    : total_(total),
      label_(std::move(label)),
      enabled_(enabled && process_rank() == 0),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

bool Progress::terminal_default() noexcept {
  return ::isatty(::fileno(stderr)) == 1 && process_rank() == 0;
}

void Progress::advance(std::size_t k) noexcept {
  done_.fetch_add(k, std::memory_order_relaxed);
  if (!enabled_) return;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - start_)
                               .count();
  std::int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < next) return;
  // One thread wins the right to draw this tick; the others return at once.
  if (next_draw_ns_.compare_exchange_strong(next, now + kRedrawNs, std::memory_order_relaxed))
    draw(false);
}

void Progress::finish() noexcept {
  if (finished_.exchange(true)) return;
  if (enabled_) draw(true);
}

std::string Progress::line() const {
  const std::size_t done = std::min(this->done(), total_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<std::size_t>(kBarWidth), ' ');
  for (int i = 0; i < filled; ++i) bar[static_cast<std::size_t>(i)] = '=';
  if (filled < kBarWidth) bar[static_cast<std::size_t>(filled)] = '>';
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : -1.0;
  char buf[160];
  std::snprintf(buf, sizeof buf, " [%s] %5.1f%%  %zu/%zu  %.3g/s  ETA %s", bar.c_str(),
                100.0 * fraction, done, total_, rate, clock_text(eta).c_str());
  return label_ + buf;
}

void Progress::draw(bool final) noexcept {
  try {
    const std::string text = line();
    std::lock_guard<std::mutex> lock(draw_mutex_);
    std::fprintf(stderr, "\r%s%s", text.c_str(), final ? "\n" : "");
    std::fflush(stderr);
  } catch (...) {
    // Drawing is best effort: never let a progress bar abort a computation.
  }
}

namespace detail {
void set_progress_rank_query(RankQuery query) noexcept {
  rank_query.store(query, std::memory_order_release);
}
}  // namespace detail

}  // namespace sampo
