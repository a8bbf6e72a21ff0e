// The Telegram HTML splitter with well-formed HTML of the kind callbrief writes: escaped text from
// the input (as CleanText leaves it), lines and spaces, and properly nested <b>, <i>, <a href>
// and expandable quotes, split at a length and an entity limit taken from the input. Checks the
// promises of SplitTelegramHtml: no part over either limit, no part without visible text, every
// part's tags balanced with none left empty (as long as the input has none), and no text lost.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "notify/telegram_format.h"

namespace {

using callbrief::notify::EscapeHtml;
using callbrief::notify::SplitTelegramHtml;
using callbrief::notify::TelegramEntityCount;
using callbrief::notify::VisibleUtf16Length;

struct Tag {
  std::string open;
  std::string name;
};

const Tag kTags[] = {{"<b>", "b"},
                     {"<i>", "i"},
                     {"<a href=\"https://example.com/?a=1&amp;b=2\">", "a"},
                     {"<blockquote expandable>", "blockquote"}};

// The visible characters of `html` that are not whitespace: tags dropped, entities left as
// written (EscapeHtml's output is never split inside an entity, so they compare fine).
std::string Squeezed(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag && c != ' ' && c != '\n' && c != '\t' && c != '\r') out += c;
    if (c == '>') in_tag = false;
  }
  return out;
}

// Tags balanced, and every element holds visible text (an empty quote or link is noise at best).
bool TagsBalancedAndNoneEmpty(std::string_view html) {
  struct Open {
    std::string name;
    std::size_t text_before;
  };
  std::vector<Open> open;
  std::size_t text = 0;  // Non-blank characters outside tags so far.
  for (std::size_t at = 0; at < html.size();) {
    if (html[at] != '<') {
      if (html[at] != ' ' && html[at] != '\n') ++text;
      ++at;
      continue;
    }
    std::size_t end = html.find('>', at);
    if (end == std::string_view::npos) return false;
    std::string_view tag = html.substr(at + 1, end - at - 1);
    if (tag.starts_with('/')) {
      if (open.empty() || open.back().name != tag.substr(1)) return false;
      if (open.back().text_before == text) return false;
      open.pop_back();
    } else {
      open.push_back({std::string(tag.substr(0, tag.find(' '))), text});
    }
    at = end + 1;
  }
  return open.empty();
}

// `text` as CleanText leaves it, which is all the splitter ever gets: every byte that does not
// belong to a well-formed UTF-8 sequence replaced (by '?' here), a tab made a space, other control
// characters dropped. (Raw tabs made a part of tabs only, "without text" to this harness's
// whitespace check: a harness bug, not the splitter's — no tab reaches it in callbrief.)
std::string Cleaned(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t n = lead < 0x80         ? 1
                    : (lead >> 5) == 6  ? 2
                    : (lead >> 4) == 14 ? 3
                    : (lead >> 3) == 30 ? 4
                                        : 0;
    bool ok = n > 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!ok) {
      out += '?';
      ++i;
      continue;
    }
    if (lead == '\t') {
      out += ' ';
    } else if (lead >= 0x20 && lead != 0x7F) {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

// The entities Telegram makes of `html` (tdlib/td MessageEntity.cpp get_input_message_entities
// after split_entities), counted on the harness's side: a tag one, and a <b> or <i> one more for
// every <b> or <i> it is nested in, since Telegram cuts the outer one where it starts.
std::size_t Entities(std::string_view html) {
  std::size_t count = 0;
  std::vector<bool> splittable;
  std::size_t open_splittable = 0;
  for (std::size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
    if (html.substr(at, 2) == "</") {
      if (!splittable.empty()) {
        open_splittable -= splittable.back() ? 1 : 0;
        splittable.pop_back();
      }
      continue;
    }
    bool bold_or_italic = html.substr(at, 3) == "<b>" || html.substr(at, 3) == "<i>";
    count += 1 + (bold_or_italic ? open_splittable : 0);
    splittable.push_back(bold_or_italic);
    open_splittable += bold_or_italic ? 1 : 0;
  }
  return count;
}

// Says what broke, on which input and parts, then stops the run (libFuzzer saves the input).
[[noreturn]] void Fail(const char* what, const std::string& html,
                       const std::vector<std::string>& parts, std::size_t max_units,
                       std::size_t max_entities) {
  std::fprintf(stderr, "telegram_html_fuzz: %s (limits %zu units, %zu entities)\nhtml: %s\n", what,
               max_units, max_entities, html.c_str());
  for (const std::string& part : parts) {
    std::fprintf(stderr, "part (%zu units, %zu entities): %s\n", VisibleUtf16Length(part),
                 Entities(part), part.c_str());
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  callbrief::fuzz::FuzzInput in(data, size);
  const std::size_t max_units = 2 + in.Byte() % 120;
  // At least what four nested tags can cost (<b><i><b><i>: 1 + 2 + 3 + 4), the most the
  // splitter cannot cut apart (SplitTelegramHtml).
  const std::size_t max_entities = 10 + in.Byte() % 100;
  std::string html;
  std::vector<const Tag*> open;
  std::vector<std::size_t> text_at_open;  // Visible characters written before each open tag.
  std::size_t text = 0;
  // Closes the innermost tag; one that would stay empty gets a word first, so the input itself
  // has no empty element.
  auto close = [&] {
    if (text_at_open.back() == text) {
      html += "x";
      ++text;
    }
    html += "</" + open.back()->name + ">";
    open.pop_back();
    text_at_open.pop_back();
  };
  while (!in.empty()) {
    std::uint8_t op = in.Byte();
    switch (op % 8) {
      case 0:
        if (open.size() < 4) {
          const Tag& tag = kTags[(op >> 3) % std::size(kTags)];
          html += tag.open;
          open.push_back(&tag);
          text_at_open.push_back(text);
        }
        break;
      case 1:
        if (!open.empty()) close();
        break;
      case 2:
        html += '\n';
        break;
      default: {
        std::string piece = Cleaned(in.Piece(200));
        for (char& c : piece) {
          if (c == '\n' || c == '\r') c = ' ';
          if (c != ' ') ++text;
        }
        html += EscapeHtml(piece);
      }
    }
  }
  while (!open.empty()) close();

  if (TelegramEntityCount(html) != Entities(html)) {
    Fail("the splitter counts entities otherwise", html, {}, max_units, max_entities);
  }
  std::vector<std::string> parts = SplitTelegramHtml(html, max_units, max_entities);
  std::string joined;
  for (const std::string& part : parts) {
    auto fail = [&](const char* what) { Fail(what, html, parts, max_units, max_entities); };
    if (VisibleUtf16Length(part) > max_units) fail("a part over the length limit");
    if (Entities(part) > max_entities) fail("a part over the entity limit");
    if (Squeezed(part).empty()) fail("a part without text");
    if (!TagsBalancedAndNoneEmpty(part)) fail("unbalanced tags or an empty element");
    joined += Squeezed(part);
  }
  if (joined != Squeezed(html)) Fail("text lost", html, parts, max_units, max_entities);
  return 0;
}
