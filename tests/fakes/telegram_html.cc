#include "fakes/telegram_html.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

struct OpenEntity {
  std::string tag;
  std::string type;
  std::size_t offset = 0;  // UTF-16 units into the text.
  std::string url;
  std::string language;
};

std::string Lower(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the character reference at html[i] ('&'); returns its length, or 0 if it is none.
std::size_t DecodeReference(std::string_view html, std::size_t i, std::string& out) {
  std::size_t semi = html.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) return 0;
  std::string_view name = html.substr(i + 1, semi - i - 1);
  static const std::pair<std::string_view, char> kNamed[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}};
  for (auto [entity, ch] : kNamed) {
    if (name == entity) {
      out += ch;
      return semi - i + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#') return 0;
  bool hex = name[1] == 'x' || name[1] == 'X';
  std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  std::uint32_t cp = 0;
  for (char c : digits) {
    int d = std::isdigit(static_cast<unsigned char>(c))           ? c - '0'
            : hex && std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                                  : -1;
    if (d < 0 || cp > 0x10FFFF) return 0;
    cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  AppendUtf8(out, cp);
  return semi - i + 1;
}

std::optional<std::string> EntityType(const std::string& tag,
                                      const std::vector<std::pair<std::string, std::string>>& attrs,
                                      std::string& url, std::string& language) {
  auto attr = [&attrs](std::string_view name) -> std::optional<std::string> {
    for (const auto& [key, value] : attrs) {
      if (key == name) return value;
    }
    return std::nullopt;
  };
  if (tag == "b" || tag == "strong") return "bold";
  if (tag == "i" || tag == "em") return "italic";
  if (tag == "u" || tag == "ins") return "underline";
  if (tag == "s" || tag == "strike" || tag == "del") return "strikethrough";
  if (tag == "tg-spoiler") return "spoiler";
  if (tag == "span") {
    if (attr("class") == "tg-spoiler") return "spoiler";
    return std::nullopt;
  }
  if (tag == "a") {
    url = attr("href").value_or("");
    return "text_link";
  }
  if (tag == "code") {
    language = attr("class").value_or("");
    return "code";
  }
  if (tag == "pre") return "pre";
  if (tag == "blockquote") return attr("expandable") ? "expandable_blockquote" : "blockquote";
  if (tag == "tg-emoji") return "custom_emoji";
  return std::nullopt;
}

// Whether Telegram keeps an <a href>: tdlib/td td/telegram/MessageEntity.cpp parse_html keeps a
// text link only if LinkManager::get_checked_link accepts its URL, and LinkManager.cpp
// check_link_impl refuses an http(s) URL whose host has no '.' (and is no IPv6 literal) —
// "http://localhost:8080/…" and "http://callbrief:8080/…" lose their link without any error.
bool LinkKept(std::string_view url) {
  std::string lower = Lower(url);
  std::string_view rest = lower;
  if (rest.starts_with("tg:") || rest.starts_with("ton:")) return true;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    std::string_view name = rest.substr(0, scheme);
    if (name != "http" && name != "https") return false;
    rest.remove_prefix(scheme + 3);
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) return true;  // IPv6.
  rest = rest.substr(0, rest.find(':'));
  return !rest.empty() && rest.find('.') != std::string_view::npos;
}

// tdlib/td td/telegram/MessageEntity.cpp get_input_message_entities: at most
// MAX_USER_ENTITY_COUNT = 100 entities reach the server ("server-side limit"), the
// non-splittable ones (links, code, pre, blockquotes…) first in order, then the splittable ones
// (bold, italic, underline, strikethrough, spoiler); the rest are dropped silently.
json KeepServerLimit(json entities) {
  constexpr std::size_t kMaxEntities = 100;
  auto splittable = [](const json& entity) {
    const std::string type = entity.value("type", "");
    return type == "bold" || type == "italic" || type == "underline" || type == "strikethrough" ||
           type == "spoiler";
  };
  std::vector<bool> keep(entities.size(), false);
  std::size_t count = 0;
  for (bool second_pass : {false, true}) {
    for (std::size_t i = 0; i < entities.size(); ++i) {
      const json& entity = entities[i];
      if (entity.value("type", "") == "custom_emoji") {
        keep[i] = true;  // Not counted.
        continue;
      }
      if (splittable(entity) != second_pass || count >= kMaxEntities) continue;
      keep[i] = true;
      ++count;
    }
  }
  json kept = json::array();
  for (std::size_t i = 0; i < entities.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(entities[i]));
  }
  return kept;
}

class Parser {
 public:
  explicit Parser(std::string_view html) : html_(html) {}

  ParsedHtml Run() {
    ParsedHtml result;
    for (std::size_t i = 0; i < html_.size();) {
      char c = html_[i];
      if (c == '&') {
        std::size_t used = DecodeReference(html_, i, text_);
        if (used == 0) {
          text_ += '&';
          used = 1;
        }
        i += used;
      } else if (c == '<') {
        std::string error;
        std::size_t next =
            i + 1 < html_.size() && html_[i + 1] == '/' ? EndTag(i, error) : StartTag(i, error);
        if (!error.empty()) {
          result.error = error;
          return result;
        }
        i = next;
      } else {
        text_ += c;
        ++i;
      }
    }
    if (!open_.empty()) {
      result.error = "Can't find end tag corresponding to start tag \"" + open_.back().tag + "\"";
      return result;
    }
    // Telegram lists entities by offset, an outer entity before the inner ones it contains.
    std::stable_sort(entities_.begin(), entities_.end(), [](const json& a, const json& b) {
      if (a["offset"] != b["offset"]) return a["offset"] < b["offset"];
      return a["length"] > b["length"];
    });
    result.ok = true;
    result.text = std::move(text_);
    result.entities = KeepServerLimit(std::move(entities_));
    return result;
  }

 private:
  static bool IsNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
  }

  std::size_t StartTag(std::size_t begin, std::string& error) {
    std::size_t i = begin + 1;
    std::size_t name_start = i;
    while (i < html_.size() && IsNameChar(html_[i])) ++i;
    std::string tag = Lower(html_.substr(name_start, i - name_start));
    static const std::set<std::string> kKnown = {
        "a",      "b",   "strong", "i",          "em",   "u",   "ins",        "s",
        "strike", "del", "span",   "tg-spoiler", "code", "pre", "blockquote", "tg-emoji"};
    if (!kKnown.count(tag)) {
      error = "Unsupported start tag \"" + tag + "\" at byte offset " + std::to_string(begin);
      return i;
    }
    std::vector<std::pair<std::string, std::string>> attrs;
    while (true) {
      while (i < html_.size() && std::isspace(static_cast<unsigned char>(html_[i]))) ++i;
      if (i >= html_.size()) {
        error = "Unclosed start tag at byte offset " + std::to_string(begin);
        return i;
      }
      if (html_[i] == '>') break;
      std::size_t attr_start = i;
      while (i < html_.size() && (IsNameChar(html_[i]) || html_[i] == '_')) ++i;
      if (i == attr_start) {
        error = "Empty attribute name in the tag \"" + tag + "\" at byte offset " +
                std::to_string(begin);
        return i;
      }
      std::string name = Lower(html_.substr(attr_start, i - attr_start));
      std::string value;
      if (i < html_.size() && html_[i] == '=') {
        ++i;
        if (i < html_.size() && (html_[i] == '"' || html_[i] == '\'')) {
          char quote = html_[i++];
          std::size_t end = html_.find(quote, i);
          if (end == std::string_view::npos) {
            error = "Unclosed start tag at byte offset " + std::to_string(begin);
            return html_.size();
          }
          std::string raw(html_.substr(i, end - i));
          for (std::size_t k = 0; k < raw.size();) {
            std::size_t used = raw[k] == '&' ? DecodeReference(raw, k, value) : 0;
            if (used == 0)
              value += raw[k++];
            else
              k += used;
          }
          i = end + 1;
        } else {
          std::size_t start = i;
          while (i < html_.size() && !std::isspace(static_cast<unsigned char>(html_[i])) &&
                 html_[i] != '>') {
            ++i;
          }
          value = std::string(html_.substr(start, i - start));
        }
      }
      attrs.emplace_back(std::move(name), std::move(value));
    }
    OpenEntity entity{tag, {}, Utf16Units(text_), {}, {}};
    auto type = EntityType(tag, attrs, entity.url, entity.language);
    if (!type) {
      error = "Unsupported start tag \"" + tag + "\" at byte offset " + std::to_string(begin);
      return i;
    }
    entity.type = *type;
    open_.push_back(std::move(entity));
    return i + 1;
  }

  std::size_t EndTag(std::size_t begin, std::string& error) {
    std::size_t i = begin + 2;
    std::size_t name_start = i;
    while (i < html_.size() && IsNameChar(html_[i])) ++i;
    std::string tag = Lower(html_.substr(name_start, i - name_start));
    while (i < html_.size() && std::isspace(static_cast<unsigned char>(html_[i]))) ++i;
    if (i >= html_.size() || html_[i] != '>') {
      error = "Unclosed end tag at byte offset " + std::to_string(begin);
      return i;
    }
    if (open_.empty()) {
      error = "Unexpected end tag at byte offset " + std::to_string(begin);
      return i;
    }
    if (open_.back().tag != tag) {
      error = "Unmatched end tag at byte offset " + std::to_string(begin) + ", expected \"</" +
              open_.back().tag + ">\", found \"</" + tag + ">\"";
      return i;
    }
    OpenEntity entity = std::move(open_.back());
    open_.pop_back();
    std::size_t length = Utf16Units(text_) - entity.offset;
    if (length > 0 && !(entity.type == "text_link" && !LinkKept(entity.url))) {
      json item = {{"type", entity.type}, {"offset", entity.offset}, {"length", length}};
      if (entity.type == "text_link") item["url"] = entity.url;
      if (entity.type == "pre" && !entity.language.empty()) item["language"] = entity.language;
      entities_.push_back(std::move(item));
    }
    return i + 1;
  }

  std::string_view html_;
  std::string text_;
  std::vector<OpenEntity> open_;
  json entities_ = json::array();
};

}  // namespace

ParsedHtml ParseTelegramHtml(std::string_view html) { return Parser(html).Run(); }

std::size_t Utf16Units(std::string_view utf8) {
  std::size_t units = 0;
  for (char ch : utf8) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

}  // namespace callbrief::fakes
