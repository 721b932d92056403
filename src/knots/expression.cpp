#include "sampo/knots/expression.hpp"

#include <muParser.h>

#include <memory>
#include <mutex>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

namespace sampo::knots {

namespace {

constexpr const char* kFunction = "sampo::knots::Expression";

std::string error_message(const std::string& text, const std::string& detail) {
  std::string value = "'";
  value.append(text).append("'");
  return argument_message(kFunction, "expression", value, detail);
}

// muParser's message, with the position appended where the message does not give it (most
// do: "Unexpected token "y" found at position 4.").
std::string with_position(const std::string& message, std::size_t position) {
  std::string out = message;
  if (position != ExpressionError::kNoPosition && out.find("position") == std::string::npos)
    out.append(" (at position ").append(std::to_string(position)).append(")");
  return out;
}

ExpressionError to_error(const std::string& text, const mu::Parser::exception_type& e) {
  const int pos = e.GetPos();  // muParser: -1 when the fault has no position (empty text)
  return ExpressionError(text, e.GetMsg(),
                         pos < 0 ? ExpressionError::kNoPosition : static_cast<std::size_t>(pos));
}

}  // namespace

ExpressionError::ExpressionError(std::string text, std::string parser_message, std::size_t position)
    : invalid_argument(error_message(text, with_position(parser_message, position))),
      text_(std::move(text)),
      detail_(with_position(parser_message, position)),
      position_(position) {}

// One parser with its variable; parsers are lent to one caller at a time.
struct Expression::Impl {
  struct Slot {
    mu::Parser parser;
    double x = 0.0;
  };

  explicit Impl(std::string t) : text(std::move(t)) {}

  // A parser for the formula, parsed: the first Eval parses (muParser defers it), so errors in
  // the text surface here, at construction of the first slot.
  std::unique_ptr<Slot> make_slot() const {
    auto slot = std::make_unique<Slot>();
    try {
      slot->parser.DefineVar("x", &slot->x);
      // muParser built by GCC defines _pi as 3.141592653589 (8e-13 off): the double nearest pi.
      slot->parser.DefineConst("_pi", std::numbers::pi);
      slot->parser.SetExpr(text);
      slot->x = 1.0;
      (void)slot->parser.Eval();
    } catch (const mu::Parser::exception_type& e) {
      throw to_error(text, e);
    }
    return slot;
  }

  std::unique_ptr<Slot> acquire() const {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!free.empty()) {
        std::unique_ptr<Slot> slot = std::move(free.back());
        free.pop_back();
        return slot;
      }
    }
    return make_slot();  // outside the lock: another caller may take a free one meanwhile
  }

  void release(std::unique_ptr<Slot> slot) const {
    const std::lock_guard<std::mutex> lock(mutex);
    free.push_back(std::move(slot));
  }

  std::string text;
  mutable std::mutex mutex;
  mutable std::vector<std::unique_ptr<Slot>> free;
};

Expression::Expression(std::string text) : impl_(std::make_shared<Impl>(std::move(text))) {
  impl_->release(impl_->make_slot());  // parses now: a bad formula throws here
}

double Expression::operator()(double x) const {
  std::unique_ptr<Impl::Slot> slot = impl_->acquire();
  double value = 0.0;
  try {
    slot->x = x;
    value = slot->parser.Eval();
  } catch (const mu::Parser::exception_type& e) {
    impl_->release(std::move(slot));
    throw to_error(impl_->text, e);
  }
  impl_->release(std::move(slot));
  return value;
}

const std::string& Expression::text() const noexcept { return impl_->text; }

}  // namespace sampo::knots
