#include "notify/telegram_format.h"

#include <optional>
#include <utility>

#include <fmt/format.h>

#include "net/http_client.h"
#include "notify/message_text.h"

namespace callbrief::notify {
namespace {

// One lexical piece of HTML we produced.
struct Token {
  enum Kind { kText, kOpenTag, kCloseTag } kind = kText;
  std::string_view text{};
  std::string_view tag_name{};
  std::size_t units = 0;  // Visible UTF-16 units.
  bool is_space = false;
};

// The token at html[pos]; never empty for pos < html.size().
Token NextToken(std::string_view html, std::size_t pos) {
  char c = html[pos];
  if (c == '<') {
    std::size_t end = html.find('>', pos);
    if (end == std::string_view::npos) end = html.size() - 1;
    Token tag{Token::kOpenTag, html.substr(pos, end - pos + 1), {}, 0, false};
    std::size_t name = pos + 1;
    if (name < html.size() && html[name] == '/') {
      tag.kind = Token::kCloseTag;
      ++name;
    }
    std::size_t name_end = html.find_first_of(" >", name);
    if (name_end == std::string_view::npos || name_end > end) name_end = end;
    tag.tag_name = html.substr(name, name_end - name);
    return tag;
  }
  if (c == '&') {
    std::size_t semi = html.find(';', pos);
    if (semi != std::string_view::npos && semi - pos <= 8) {
      return {Token::kText, html.substr(pos, semi - pos + 1), {}, 1, false};
    }
  }
  auto lead = static_cast<unsigned char>(c);
  std::size_t n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (pos + n > html.size()) n = html.size() - pos;
  return {Token::kText, html.substr(pos, n), {}, n == 4 ? 2u : 1u, c == ' '};
}

// Whether `html` shows anything but blanks (text outside tags other than spaces and line breaks).
bool HasVisibleText(std::string_view html) {
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag && c != ' ' && c != '\n') return true;
    if (c == '>') in_tag = false;
  }
  return false;
}

// Tags whose entities tdlib calls "splittable" (bold, italic, underline, strikethrough, spoiler):
// tdlib/td td/telegram/MessageEntity.cpp get_splittable_entities_mask.
bool IsSplittableTag(std::string_view name) {
  return name == "b" || name == "strong" || name == "i" || name == "em" || name == "u" ||
         name == "ins" || name == "s" || name == "strike" || name == "del" ||
         name == "tg-spoiler" || name == "span";
}

// Counts, never too few, the entities Telegram keeps from the tags of our HTML that count toward
// its limit (kTelegramMaxEntities). tdlib/td td/telegram/MessageEntity.cpp
// get_input_message_entities counts every user entity (links, code, pre, quotes, bold, italic …)
// but custom emoji, after split_entities has cut the splittable ones apart: a splittable entity
// that starts inside another splittable entity of another type cuts that one in two. So an
// opening tag costs one entity, plus one for each splittable element it opens inside when it is
// splittable itself; <tg-emoji> costs nothing. (Adjacent bold runs that tdlib merges, or an
// element holding only blanks that it drops, are counted anyway: a part may end up smaller, never
// over the limit.)
class EntityCounter {
 public:
  // Cost of `name` opened now; call Close for each closing tag.
  std::size_t Open(std::string_view name) {
    bool splittable = IsSplittableTag(name);
    std::size_t cost = name == "tg-emoji" ? 0 : 1 + (splittable ? splittable_open_ : 0);
    open_splittable_.push_back(splittable);
    if (splittable) ++splittable_open_;
    return cost;
  }
  void Close() {
    if (open_splittable_.empty()) return;
    if (open_splittable_.back()) --splittable_open_;
    open_splittable_.pop_back();
  }
  // The cost of the tokens of `html` opened from here on; the counter follows them.
  std::size_t Add(std::string_view html) {
    std::size_t cost = 0;
    for (std::size_t pos = 0; pos < html.size();) {
      Token token = NextToken(html, pos);
      if (token.kind == Token::kOpenTag) cost += Open(token.tag_name);
      if (token.kind == Token::kCloseTag) Close();
      pos += token.text.size();
    }
    return cost;
  }

 private:
  std::vector<bool> open_splittable_;
  std::size_t splittable_open_ = 0;
};

struct OpenTag {
  std::string name;
  std::string text;
  std::size_t entities = 0;  // What opening it cost (EntityCounter), given the tags around it.
};

// Builds parts line by line; see SplitTelegramHtml.
class Splitter {
 public:
  Splitter(std::size_t max_units, std::size_t max_entities)
      : max_(max_units < 2 ? 2 : max_units), max_entities_(max_entities < 1 ? 1 : max_entities) {}

  void AddLine(std::string_view line) {
    if (line.empty()) {
      if (has_line_) ++pending_blank_;
      return;
    }
    std::size_t units = VisibleUtf16Length(line);
    std::size_t separator = has_line_ ? 1 + pending_blank_ : 0;
    EntityCounter counter = Counter();
    std::size_t entities = counter.Add(line);
    if (units_ + separator + units <= max_ && entities_ + entities <= max_entities_) {
      current_.append(separator, '\n');
      units_ += separator;
      Append(line);
      return;
    }
    // Reopened at the top of the next part, the tags open now cost what they cost here.
    std::size_t reopened = 0;
    for (const OpenTag& tag : open_) reopened += tag.entities;
    if (units > max_ || reopened + entities > max_entities_) {
      // Split anyway: fill this part first rather than leave it short.
      current_.append(separator, '\n');
      units_ += separator;
      HardSplit(line);
      return;
    }
    if (has_line_) Flush();
    Append(line);
  }

  std::vector<std::string> Finish() {
    Flush();
    return std::move(parts_);
  }

 private:
  struct Mark {
    std::size_t token_end = 0;  // Offset in the line just after the space.
    std::size_t bytes = 0;
    std::size_t units = 0;
    std::size_t entities = 0;
    std::vector<OpenTag> open;
  };

  // An EntityCounter standing where the current part ends, inside the tags open there.
  EntityCounter Counter() const {
    EntityCounter counter;
    for (const OpenTag& tag : open_) counter.Open(tag.name);
    return counter;
  }

  void Apply(const Token& token) {
    // Blanks at the top of a part: Telegram trims them (tdlib/td MessageEntity.cpp
    // fix_formatted_text, "ltrim"), and kept inside a reopened tag they made an element of blanks
    // only, "<b> </b>" (found by fuzz/telegram_html_fuzz).
    if (token.is_space && units_ == 0) return;
    if (token.kind == Token::kCloseTag && !open_.empty() && open_.back().name == token.tag_name &&
        current_.ends_with(open_.back().text)) {
      // Closed with nothing inside (a tag reopened at the top of a part, say): neither tag is
      // written, so no part holds an empty element (found by fuzz/telegram_html_fuzz).
      current_.resize(current_.size() - open_.back().text.size());
      entities_ -= open_.back().entities;
      open_.pop_back();
      return;
    }
    current_.append(token.text);
    units_ += token.units;
    if (token.kind == Token::kOpenTag) {
      std::size_t cost = Counter().Open(token.tag_name);
      entities_ += cost;
      open_.push_back({std::string(token.tag_name), std::string(token.text), cost});
    } else if (token.kind == Token::kCloseTag && !open_.empty() &&
               open_.back().name == token.tag_name) {
      open_.pop_back();
    }
  }

  void Append(std::string_view line) {
    for (std::size_t pos = 0; pos < line.size();) {
      Token token = NextToken(line, pos);
      Apply(token);
      pos += token.text.size();
    }
    has_line_ = units_ > 0 || has_line_;
    pending_blank_ = 0;
  }

  // A line longer than a whole part, or with more entities than a part takes: cut at the last
  // space that fits, or where it overflows. A part that shows nothing yet is never cut, so a
  // part holds more entities than allowed only when the tags open at its top already cost more.
  void HardSplit(std::string_view line) {
    std::optional<Mark> space;
    for (std::size_t pos = 0; pos < line.size();) {
      Token token = NextToken(line, pos);
      bool too_long = token.units > 0 && units_ + token.units > max_;
      bool too_many = token.kind == Token::kOpenTag &&
                      entities_ + Counter().Open(token.tag_name) > max_entities_;
      if ((too_long || too_many) && units_ > 0) {
        if (space && space->units > 0) {
          current_.resize(space->bytes);
          units_ = space->units;
          entities_ = space->entities;
          open_ = space->open;
          pos = space->token_end;
        }
        Flush();
        space.reset();
        continue;
      }
      Apply(token);
      pos += token.text.size();
      if (token.is_space) space = Mark{pos, current_.size(), units_, entities_, open_};
    }
    // A part that shows nothing yet (the line's tail was blanks) takes no line break before the
    // next line: one there made "<b>\n\n</b>" (found by fuzz/telegram_html_fuzz).
    has_line_ = units_ > 0;
    pending_blank_ = 0;
  }

  // Ends the current part, closing what is open, and starts the next one reopening it.
  void Flush() {
    std::string reopen;
    for (const OpenTag& tag : open_) reopen += tag.text;
    // Tags opened at the very end hold nothing yet (or only blanks): they move to the next part
    // whole, and the line breaks before them go. Left here they made an empty quote, and the line
    // break before a quote that starts a long line counted one unit over the limit (both found
    // by fuzz/telegram_html_fuzz).
    std::size_t keep = current_.size();
    std::size_t trailing_open = 0;
    while (trailing_open < open_.size()) {
      std::size_t end = keep;
      std::size_t blanks = 0;
      while (end > 0 && (current_[end - 1] == ' ' || current_[end - 1] == '\n')) {
        --end;
        ++blanks;
      }
      const std::string& tag = open_[open_.size() - 1 - trailing_open].text;
      if (end < tag.size() || current_.compare(end - tag.size(), tag.size(), tag) != 0) break;
      keep = end - tag.size();
      units_ -= blanks;
      ++trailing_open;
    }
    // Closing tags at the very end stay, but the line breaks before them go as well: a long line
    // that starts by closing a tag left its separator there, one unit over the limit.
    std::size_t tail = keep;
    while (tail > 0 && current_[tail - 1] == '>') {
      std::size_t bracket = current_.rfind('<', tail - 1);
      if (bracket == std::string::npos || current_.compare(bracket, 2, "</") != 0) break;
      tail = bracket;
    }
    std::size_t text_end = tail;
    while (text_end > 0 && current_[text_end - 1] == '\n') {
      --text_end;
      --units_;
    }
    // A part of blanks only (a long line that starts with a space, cut there) would be an empty
    // message, which Telegram refuses (found by fuzz/telegram_html_fuzz).
    if (units_ > 0 && HasVisibleText(std::string_view(current_).substr(0, text_end))) {
      std::string part = current_.substr(0, text_end) + current_.substr(tail, keep - tail);
      for (auto it = open_.rbegin() + static_cast<std::ptrdiff_t>(trailing_open);
           it != open_.rend(); ++it) {
        part += "</" + it->name + ">";
      }
      parts_.push_back(std::move(part));
    }
    current_ = std::move(reopen);
    units_ = 0;
    entities_ = 0;
    for (const OpenTag& tag : open_) entities_ += tag.entities;
    has_line_ = false;
    pending_blank_ = 0;
  }

  std::size_t max_;
  std::size_t max_entities_;
  std::vector<std::string> parts_;
  std::string current_;
  std::size_t units_ = 0;
  std::size_t entities_ = 0;  // EntityCounter's count for current_, never fewer than Telegram's.
  bool has_line_ = false;
  std::size_t pending_blank_ = 0;
  std::vector<OpenTag> open_;
};

// A link, or — when Telegram would drop it (TelegramKeepsLink) — the text and the URL as plain
// text, so the reader still sees where to go.
std::string Link(std::string_view url, std::string_view text) {
  if (!TelegramKeepsLink(url)) return fmt::format("{}: {}", EscapeHtml(text), EscapeHtml(url));
  return fmt::format("<a href=\"{}\">{}</a>", EscapeHtml(url), EscapeHtml(text));
}

class Html {
 public:
  void Line(std::string_view html) {
    out_.append(html);
    out_ += '\n';
  }
  void Blank() { out_ += '\n'; }
  void Heading(std::string_view label) { Line(fmt::format("<b>{}</b>", EscapeHtml(label))); }
  // A heading and its text; nothing when the text is empty.
  void Section(std::string_view label, std::string_view text) {
    std::string clean = CleanText(text);
    if (clean.empty()) return;
    Blank();
    Heading(label);
    Line(EscapeHtml(clean));
  }
  void List(std::string_view label, const std::vector<std::string>& items) {
    if (items.empty()) return;
    Blank();
    Heading(label);
    for (const std::string& item : items) Line("• " + EscapeHtml(item));
  }
  std::string Take() {
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return std::move(out_);
  }

 private:
  std::string out_;
};

void AddInformation(Html& html, const CallMessage& m) {
  auto or_dash = [](std::string value) { return value.empty() ? std::string("—") : value; };
  html.Blank();
  html.Heading("📋 Информация:");
  html.Line("• От: " + EscapeHtml(or_dash(CleanLine(m.from_number))));
  html.Line("• Кому: " + EscapeHtml(or_dash(CleanLine(m.to_number))));
  if (m.duration_seconds) html.Line("• Длительность: " + FormatDuration(*m.duration_seconds));
  if (m.started_at_ms) {
    html.Line("• Дата: " + FormatStartedAt(*m.started_at_ms, m.utc_offset_minutes));
  }
  if (std::string manager = CleanLine(m.manager_name); !manager.empty()) {
    html.Line("• Менеджер: " + EscapeHtml(manager));
  }
  std::string client = CleanLine(m.client_name);
  bool linkable = IsHttpUrl(m.client_url);
  if (linkable) {
    html.Line("• Клиент: " + Link(m.client_url, client.empty() ? "карточка в CRM" : client));
  } else if (!client.empty()) {
    html.Line("• Клиент: " + EscapeHtml(client));
  }
  if (std::string kind = CleanLine(m.call_kind); !kind.empty()) {
    html.Line("• Тип звонка: " + EscapeHtml(kind));
  }
}

void AddTranscript(Html& html, const std::vector<TranscriptLine>& transcript) {
  std::vector<std::string> lines;
  for (const TranscriptLine& line : transcript) {
    std::string text = CleanLine(line.text);
    if (text.empty()) continue;
    std::string speaker = SpeakerLabel(line.speaker);
    std::string out = FormatOffset(line.start_ms) + " ";
    if (!speaker.empty()) out += "<b>" + EscapeHtml(speaker) + ":</b> ";
    lines.push_back(out + EscapeHtml(text));
  }
  if (lines.empty()) return;
  html.Blank();
  html.Heading("📜 Расшифровка:");
  lines.front().insert(0, "<blockquote expandable>");
  lines.back() += "</blockquote>";
  for (const std::string& line : lines) html.Line(line);
}

}  // namespace

bool TelegramKeepsLink(std::string_view url) {
  const std::string host = net::UrlHost(url);
  if (host.starts_with('[')) return true;  // IPv6 literal.
  return host.find('.') != std::string::npos;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::size_t VisibleUtf16Length(std::string_view html) {
  std::size_t units = 0;
  for (std::size_t pos = 0; pos < html.size();) {
    Token token = NextToken(html, pos);
    units += token.units;
    pos += token.text.size();
  }
  return units;
}

std::string PlainTextFromHtml(std::string_view html) {
  std::string out;
  std::string pending_href;  // Of the open <a>, printed after its text.
  for (std::size_t pos = 0; pos < html.size();) {
    Token token = NextToken(html, pos);
    pos += token.text.size();
    if (token.kind == Token::kOpenTag && token.tag_name == "a") {
      std::size_t href = token.text.find("href=\"");
      if (href != std::string_view::npos) {
        std::string_view rest = token.text.substr(href + 6);
        pending_href = rest.substr(0, rest.find('"'));
      }
    } else if (token.kind == Token::kCloseTag && token.tag_name == "a") {
      if (!pending_href.empty()) out += " (" + PlainTextFromHtml(pending_href) + ")";
      pending_href.clear();
    } else if (token.kind == Token::kText) {
      if (token.text == "&lt;") {
        out += '<';
      } else if (token.text == "&gt;") {
        out += '>';
      } else if (token.text == "&amp;") {
        out += '&';
      } else if (token.text == "&quot;") {
        out += '"';
      } else {
        out += token.text;
      }
    }
  }
  return out;
}

std::size_t TelegramEntityCount(std::string_view html) { return EntityCounter().Add(html); }

std::vector<std::string> SplitTelegramHtml(std::string_view html, std::size_t max_units,
                                           std::size_t max_entities) {
  Splitter splitter(max_units, max_entities);
  std::size_t start = 0;
  while (start <= html.size()) {
    std::size_t end = html.find('\n', start);
    if (end == std::string_view::npos) end = html.size();
    splitter.AddLine(html.substr(start, end - start));
    start = end + 1;
  }
  return splitter.Finish();
}

std::string FormatTelegramHtml(const CallMessage& m) {
  Html html;
  html.Heading(CallHeader(m.direction));
  AddInformation(html, m);
  html.Section("📝 Саммари:", m.summary);
  std::vector<std::string> points;
  for (const std::string& point : m.key_points) {
    if (std::string item = ListItemText(point); !item.empty()) points.push_back(std::move(item));
  }
  html.List("🎯 Ключевые пункты:", points);
  std::vector<std::string> tasks;
  for (const Task& task : m.tasks) {
    if (std::string text = TaskText(task); !text.empty()) tasks.push_back(std::move(text));
  }
  html.List("✅ Задачи:", tasks);
  html.Section("💬 Запрос клиента:", m.client_request);
  html.Section("➡️ Следующие шаги:", m.next_steps);
  const std::string sentiment = CleanLine(m.sentiment);
  if (!sentiment.empty()) {
    html.Blank();
    html.Line("<b>📊 Тон разговора:</b> " + EscapeHtml(sentiment));
  }
  if (const std::string figures = m.figures ? ConversationFiguresText(*m.figures) : "";
      !figures.empty()) {
    if (sentiment.empty()) html.Blank();
    html.Line("<b>" + std::string(kConversationLabel) + "</b> " + EscapeHtml(figures));
  }
  if (IsHttpUrl(m.call_url)) {
    html.Blank();
    html.Line("🔗 " + Link(m.call_url, "Открыть звонок"));
  }
  AddTranscript(html, m.transcript);
  return html.Take();
}

std::vector<std::string> FormatTelegramMessages(const CallMessage& message) {
  return SplitTelegramHtml(FormatTelegramHtml(message), kTelegramMaxTextUtf16,
                           kTelegramMaxEntities);
}

}  // namespace callbrief::notify
