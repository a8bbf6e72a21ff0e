#include "asr/json_scan.h"

#include <charconv>
#include <cstring>

#include "core/utf8.h"

namespace callbrief::asr::internal {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  bool ok() const { return ok_; }
  bool AtEnd() {
    Ws();
    return i_ == s_.size();
  }
  bool Fail() { return ok_ = false; }

  void Ws() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) {
      ++i_;
    }
  }
  bool Peek(char c) {
    Ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool Expect(char c) {
    if (!Peek(c)) return Fail();
    ++i_;
    return true;
  }

  // Iterates an object's members: `on_key(key)` must consume the value.
  template <typename F>
  bool Object(F&& on_key) {
    if (!Expect('{')) return false;
    if (Peek('}')) return Expect('}');
    while (ok_) {
      std::string key;
      if (!String(&key) || !Expect(':') || !on_key(key)) return Fail();
      if (Peek(',')) {
        ++i_;
        continue;
      }
      return Expect('}');
    }
    return false;
  }

  template <typename F>
  bool Array(F&& on_item) {
    if (!Expect('[')) return false;
    if (Peek(']')) return Expect(']');
    while (ok_) {
      if (!on_item()) return Fail();
      if (Peek(',')) {
        ++i_;
        continue;
      }
      return Expect(']');
    }
    return false;
  }

  bool String(std::string* out) {
    if (!Expect('"')) return false;
    out->clear();
    while (i_ < s_.size()) {
      // Copy the run up to the next quote or backslash in one go.
      std::size_t run = i_;
      while (run < s_.size() && s_[run] != '"' && s_[run] != '\\') {
        if (static_cast<unsigned char>(s_[run]) < 0x20) return Fail();
        ++run;
      }
      out->append(s_.data() + i_, run - i_);
      i_ = run;
      if (i_ >= s_.size()) return Fail();
      if (s_[i_] == '"') {
        ++i_;
        return true;
      }
      if (++i_ >= s_.size()) return Fail();
      char e = s_[i_++];
      switch (e) {
        case '"':
          *out += '"';
          break;
        case '\\':
          *out += '\\';
          break;
        case '/':
          *out += '/';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!Hex4(&cp)) return Fail();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (i_ + 1 >= s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return Fail();
            i_ += 2;
            if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return Fail();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail();
          }
          core::AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail();
      }
    }
    return Fail();
  }

  bool Number(double* out) {
    Ws();
    const char* begin = s_.data() + i_;
    const char* end = s_.data() + s_.size();
    auto [next, error] = std::from_chars(begin, end, *out);
    if (error != std::errc() || next == begin) return Fail();
    i_ += static_cast<std::size_t>(next - begin);
    return true;
  }

  bool SkipValue(int depth = 0) {
    if (depth > 64) return Fail();
    Ws();
    if (i_ >= s_.size()) return Fail();
    char c = s_[i_];
    if (c == '{') return Object([&](const std::string&) { return SkipValue(depth + 1); });
    if (c == '[') return Array([&] { return SkipValue(depth + 1); });
    if (c == '"') return SkipString();
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return true;
      }
    }
    double ignored = 0;
    return Number(&ignored);
  }

 private:
  bool SkipString() {
    ++i_;
    while (i_ < s_.size()) {
      const void* hit = std::memchr(s_.data() + i_, '"', s_.size() - i_);
      if (hit == nullptr) return Fail();
      std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - s_.data());
      std::size_t slashes = 0;
      while (quote - slashes > i_ && s_[quote - slashes - 1] == '\\') ++slashes;
      i_ = quote + 1;
      if (slashes % 2 == 0) return true;
    }
    return Fail();
  }

  bool Hex4(std::uint32_t* out) {
    if (i_ + 4 > s_.size()) return false;
    auto [next, error] = std::from_chars(s_.data() + i_, s_.data() + i_ + 4, *out, 16);
    if (error != std::errc() || next != s_.data() + i_ + 4) return false;
    i_ += 4;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  bool ok_ = true;
};

bool ReadSegment(Scanner& scan, ScannedSegment* segment) {
  return scan.Object([&](const std::string& key) {
    if (key == "start") return scan.Number(&segment->start);
    if (key == "end") return scan.Number(&segment->end);
    if (key == "text") return scan.String(&segment->text);
    if (key == "no_speech_prob") return scan.Number(&segment->no_speech_prob);
    if (key == "avg_logprob") return scan.Number(&segment->avg_logprob);
    if (key == "compression_ratio") return scan.Number(&segment->compression_ratio);
    return scan.SkipValue();
  });
}

// A count that the SDK types as Optional[int]: null leaves `out` empty.
bool ReadOptionalCount(Scanner& scan, std::optional<std::int64_t>* out) {
  if (scan.Peek('n')) return scan.SkipValue();
  double value = 0;
  if (!scan.Number(&value)) return false;
  *out = TokenCount(value);
  return true;
}

// {"audio_tokens": …, "text_tokens": …} (openai-python types/audio/transcription.py
// UsageTokensInputTokenDetails, both Optional[int]; the object itself may be null).
bool ReadInputTokenDetails(Scanner& scan, ScannedResponse* out) {
  if (scan.Peek('n')) return scan.SkipValue();
  return scan.Object([&](const std::string& key) {
    if (key == "audio_tokens") return ReadOptionalCount(scan, &out->audio_tokens);
    if (key == "text_tokens") return ReadOptionalCount(scan, &out->text_tokens);
    return scan.SkipValue();
  });
}

bool ReadUsage(Scanner& scan, ScannedResponse* out) {
  return scan.Object([&](const std::string& key) {
    double value = 0;
    if (key == "type") return scan.String(&out->usage_type);
    if (key == "seconds") return scan.Number(&out->usage_seconds);
    if (key == "input_tokens") {
      if (!scan.Number(&value)) return false;
      out->input_tokens = TokenCount(value);
      return true;
    }
    if (key == "output_tokens") {
      if (!scan.Number(&value)) return false;
      out->output_tokens = TokenCount(value);
      return true;
    }
    if (key == "input_token_details") return ReadInputTokenDetails(scan, out);
    return scan.SkipValue();
  });
}

}  // namespace

std::int64_t TokenCount(double value) {
  constexpr double kMostTokens = 1e15;  // Far above any real answer, far below int64's limit.
  if (!(value >= 0 && value <= kMostTokens)) return 0;  // Also NaN.
  return static_cast<std::int64_t>(value);
}

std::optional<ScannedResponse> ScanTranscriptionResponse(std::string_view body) {
  Scanner scan(body);
  ScannedResponse out;
  bool parsed = scan.Object([&](const std::string& key) {
    if (key == "text") {
      std::string text;
      if (!scan.String(&text)) return false;
      out.text = std::move(text);
      return true;
    }
    if (key == "language") return scan.String(&out.language);
    if (key == "duration") {
      double duration = 0;
      if (!scan.Number(&duration)) return false;
      out.duration = duration;
      return true;
    }
    if (key == "segments") {
      out.segments.reserve(256);
      return scan.Array([&] {
        out.segments.emplace_back();
        return ReadSegment(scan, &out.segments.back());
      });
    }
    if (key == "usage") return ReadUsage(scan, &out);
    return scan.SkipValue();
  });
  if (!parsed || !scan.ok() || !scan.AtEnd()) return std::nullopt;
  return out;
}

}  // namespace callbrief::asr::internal
