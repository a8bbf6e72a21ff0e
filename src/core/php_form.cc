#include "core/php_form.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace callbrief::core {
namespace {

using nlohmann::json;

constexpr size_t kMaxDepth = 32;
constexpr int kMaxFields = 2000;
constexpr size_t kMaxNameInMessage = 64;
constexpr char kHexDigits[] = "0123456789ABCDEF";

void AppendPercentByte(unsigned char byte, std::string& out) {
  out += '%';
  out += kHexDigits[byte >> 4];
  out += kHexDigits[byte & 0xF];
}

// A field name as sent, quoted for an error message: printable ASCII stays, other bytes are
// %XX-escaped so a hostile body cannot put control bytes or broken UTF-8 into our logs, and the
// text is cut at ~64 characters so a huge name cannot flood them.
std::string QuoteName(std::string_view raw_name) {
  std::string out = "\"";
  for (unsigned char c : raw_name) {
    if (out.size() > kMaxNameInMessage) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      AppendPercentByte(c, out);
    }
  }
  return out + "\"";
}

Error Invalid(std::string_view raw_name, std::string_view problem) {
  return Error::InvalidInput("form field " + QuoteName(raw_name) + ": " + std::string(problem));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `+` is a space and %XX a byte; nullopt when a `%` is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i] == '+' ? ' ' : text[i];
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// How many continuation bytes follow `lead`, and the range the first of them must fall in; that
// range is what excludes overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF
// (F4). Returns -1 for a byte that cannot start a sequence (80..C1, F5..FF).
int Utf8Continuations(unsigned char lead, unsigned char& low, unsigned char& high) {
  low = 0x80;
  high = 0xBF;
  if (lead < 0x80) return 0;
  if (lead >= 0xC2 && lead <= 0xDF) return 1;
  if (lead == 0xE0) low = 0xA0;
  if (lead == 0xED) high = 0x9F;
  if (lead >= 0xE0 && lead <= 0xEF) return 2;
  if (lead == 0xF0) low = 0x90;
  if (lead == 0xF4) high = 0x8F;
  if (lead >= 0xF0 && lead <= 0xF4) return 3;
  return -1;
}

// Strict UTF-8 as RFC 3629 defines it.
bool IsValidUtf8(std::string_view text) {
  auto byte = [&text](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    unsigned char low = 0;
    unsigned char high = 0;
    int continuations = Utf8Continuations(byte(i), low, high);
    if (continuations < 0 || text.size() - i <= static_cast<size_t>(continuations)) return false;
    for (int k = 1; k <= continuations; ++k) {
      if (byte(i + k) < low || byte(i + k) > high) return false;
      low = 0x80;
      high = 0xBF;
    }
    i += continuations + 1;
  }
  return true;
}

// Percent-decodes the name or value (`what`) of field `raw_name` and checks it is UTF-8.
Result<std::string> DecodeText(std::string_view raw, std::string_view raw_name,
                               std::string_view what) {
  std::optional<std::string> text = PercentDecode(raw);
  if (!text) return Invalid(raw_name, "invalid percent escape in the " + std::string(what));
  if (!IsValidUtf8(*text)) return Invalid(raw_name, std::string(what) + " is not valid UTF-8");
  return std::move(*text);
}

// One bracketed index of a name; nullopt stands for `[]`, append.
using Index = std::optional<std::string>;

struct FieldPath {
  std::string name;            // Before the first `[`.
  std::vector<Index> indices;  // One per `[...]`, outermost first.
};

// Splits a decoded name such as `a[b][]` into "a" and {"b", append}, as PHP reads it.
Result<FieldPath> ParsePath(std::string_view decoded, std::string_view raw_name) {
  size_t open = decoded.find('[');
  FieldPath path{std::string(decoded.substr(0, open)), {}};
  if (path.name.find(']') != std::string::npos) return Invalid(raw_name, "unbalanced brackets");
  if (open == std::string_view::npos) return path;
  if (path.name.empty()) return Invalid(raw_name, "empty name before brackets");
  while (open < decoded.size() && decoded[open] == '[') {
    size_t close = decoded.find(']', open + 1);
    if (close == std::string_view::npos) return Invalid(raw_name, "unbalanced brackets");
    if (path.indices.size() == kMaxDepth) return Invalid(raw_name, "nested deeper than 32 levels");
    std::string_view inside = decoded.substr(open + 1, close - open - 1);
    path.indices.push_back(inside.empty() ? Index() : Index(std::string(inside)));
    open = close + 1;  // Past `]`; the loop ends, ignoring the rest, unless a `[` follows.
  }
  return path;
}

// The integer PHP would see in `key`: canonical decimal ("0", or no leading zero), non-negative
// and within int64. PHP treats other keys, "07" say, as strings.
std::optional<int64_t> IntegerKey(std::string_view key) {
  if (key.empty() || key[0] == '-' || (key.size() > 1 && key[0] == '0')) return std::nullopt;
  int64_t value = 0;  // from_chars rejects `+` and spaces; `-` is excluded above.
  auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), value);
  if (error != std::errc() || end != key.data() + key.size()) return std::nullopt;
  return value;
}

// The key `[]` appends under in an object: one past the largest integer key, or "0".
Result<std::string> NextIndex(const json& object, std::string_view raw_name) {
  int64_t next = 0;
  for (const auto& item : object.items()) {
    std::optional<int64_t> key = IntegerKey(item.key());
    if (!key) continue;
    if (*key == INT64_MAX) return Invalid(raw_name, "no index left");
    next = std::max(next, *key + 1);
  }
  return std::to_string(next);
}

// The object PHP would hold for a list: keys "0".."n-1".
json ArrayToObject(json& array) {
  json object = json::object();
  for (size_t i = 0; i < array.size(); ++i) object[std::to_string(i)] = std::move(array[i]);
  return object;
}

// The child of `node` for `index`, first making `node` the container the index needs: whatever
// else was there is replaced, as a later assignment wins in PHP.
Result<json*> Descend(json* node, const Index& index, std::string_view raw_name) {
  if (!node->is_object() && !node->is_array()) *node = index ? json::object() : json::array();
  if (index) {
    if (node->is_array()) *node = ArrayToObject(*node);
    return &(*node)[*index];
  }
  if (node->is_array()) {
    node->push_back(nullptr);
    return &node->back();
  }
  Result<std::string> key = NextIndex(*node, raw_name);
  if (!key) return key.error();
  return &(*node)[*key];
}

// Decodes one `name=value` piece into `root`.
Status DecodeField(std::string_view piece, json& root) {
  size_t equals = piece.find('=');
  std::string_view raw_name = piece.substr(0, equals);
  std::string_view raw_value =
      equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
  Result<std::string> name = DecodeText(raw_name, raw_name, "name");
  if (!name) return name.error();
  Result<std::string> value = DecodeText(raw_value, raw_name, "value");
  if (!value) return value.error();
  Result<FieldPath> path = ParsePath(*name, raw_name);
  if (!path) return path.error();
  if (path->name.empty()) return Ok();
  json* node = &root[path->name];
  for (const Index& index : path->indices) {
    Result<json*> child = Descend(node, index, raw_name);
    if (!child) return child.error();
    node = *child;
  }
  *node = std::move(*value);
  return Ok();
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out += static_cast<char>(c);
    } else {
      AppendPercentByte(c, out);
    }
  }
  return out;
}

// Shortest plain decimal that reads back as `number` ("2", "0.1", never exponents), or PHP's
// spelling for what has no decimal form.
std::string FormatDouble(double number) {
  if (std::isnan(number)) return "NAN";
  if (std::isinf(number)) return number > 0 ? "INF" : "-INF";
  char buffer[400];  // Enough for DBL_MAX (309 digits) and the smallest subnormal (~330 chars).
  auto [last, error] = std::to_chars(buffer, std::end(buffer), number, std::chars_format::fixed);
  return error == std::errc() ? std::string(buffer, last) : std::string();
}

// A leaf as http_build_query prints it; nullopt for what it leaves out (null, binary).
std::optional<std::string> LeafText(const json& leaf) {
  switch (leaf.type()) {
    case json::value_t::string:
      return leaf.get<std::string>();
    case json::value_t::boolean:
      return std::string(leaf.get<bool>() ? "1" : "0");
    case json::value_t::number_integer:
      return std::to_string(leaf.get<int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(leaf.get<uint64_t>());
    case json::value_t::number_float:
      return FormatDouble(leaf.get<double>());
    default:
      return std::nullopt;
  }
}

// Appends `value` under the already-encoded name `encoded_name`, containers depth first.
void AppendField(const std::string& encoded_name, const json& value, std::string& out) {
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value.items()) {
      AppendField(encoded_name + "%5B" + PercentEncode(item.key()) + "%5D", item.value(), out);
    }
    return;
  }
  std::optional<std::string> text = LeafText(value);
  if (!text) return;
  if (!out.empty()) out += '&';
  out += encoded_name;
  out += '=';
  out += PercentEncode(*text);
}

}  // namespace

Result<nlohmann::json> DecodePhpForm(std::string_view body) {
  json root = json::object();
  int fields = 0;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = std::min(body.find('&', start), body.size());
    std::string_view piece = body.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    if (++fields > kMaxFields) {
      return Invalid(piece.substr(0, piece.find('=')), "more than 2000 fields");
    }
    Status status = DecodeField(piece, root);
    if (!status) return status.error();
  }
  return root;
}

std::string EncodePhpForm(const nlohmann::json& object) {
  if (!object.is_object()) return "";
  std::string out;
  for (const auto& item : object.items()) AppendField(PercentEncode(item.key()), item.value(), out);
  return out;
}

}  // namespace callbrief::core
