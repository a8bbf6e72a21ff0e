#pragma once

// Splits one libFuzzer input into the pieces a target needs (a selector byte, small numbers, the
// rest as text), so every byte string is a valid test case and the fuzzer can mutate each piece.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace callbrief::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next byte, or 0 when none is left.
  std::uint8_t Byte() {
    if (rest_.empty()) return 0;
    auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to `max` bytes up to the next 0 byte (consumed, not returned).
  std::string_view Piece(std::size_t max = 4096) {
    std::size_t end = rest_.find('\0');
    if (end == std::string_view::npos) end = rest_.size();
    end = end < max ? end : max;
    std::string_view piece = rest_.substr(0, end);
    rest_.remove_prefix(end < rest_.size() ? end + 1 : end);
    return piece;
  }
  std::string_view Rest() {
    std::string_view all = rest_;
    rest_ = {};
    return all;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace callbrief::fuzz
