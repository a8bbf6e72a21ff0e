#include "privacy/pii_mask.h"

#include <algorithm>

#include "privacy/internal/text.h"

namespace callbrief::privacy {

std::string_view PiiTypeName(PiiType type) {
  switch (type) {
    case PiiType::kPhone:
      return "phone";
    case PiiType::kCard:
      return "card";
    case PiiType::kPassport:
      return "passport";
    case PiiType::kSnils:
      return "snils";
    case PiiType::kInn:
      return "inn";
    case PiiType::kEmail:
      return "email";
    case PiiType::kAddress:
      return "address";
  }
  return "unknown";
}

std::optional<PiiType> PiiTypeFromName(std::string_view name) {
  for (PiiType type : {PiiType::kPhone, PiiType::kCard, PiiType::kPassport, PiiType::kSnils,
                       PiiType::kInn, PiiType::kEmail, PiiType::kAddress}) {
    if (PiiTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view Placeholder(PiiType type) {
  switch (type) {
    case PiiType::kPhone:
      return "[ТЕЛЕФОН]";
    case PiiType::kCard:
      return "[КАРТА]";
    case PiiType::kPassport:
      return "[ПАСПОРТ]";
    case PiiType::kSnils:
      return "[СНИЛС]";
    case PiiType::kInn:
      return "[ИНН]";
    case PiiType::kEmail:
      return "[EMAIL]";
    case PiiType::kAddress:
      return "[АДРЕС]";
  }
  return "[?]";
}

int MaskResult::total() const {
  int sum = 0;
  for (const auto& [type, count] : counts) sum += count;
  return sum;
}

std::map<PiiType, int> CountPlaceholders(std::string_view text) {
  std::map<PiiType, int> counts;
  for (PiiType type : {PiiType::kPhone, PiiType::kCard, PiiType::kPassport, PiiType::kSnils,
                       PiiType::kInn, PiiType::kEmail, PiiType::kAddress}) {
    const std::string_view placeholder = Placeholder(type);
    for (size_t at = text.find(placeholder); at != std::string_view::npos;
         at = text.find(placeholder, at + placeholder.size())) {
      ++counts[type];
    }
  }
  return counts;
}

namespace {

// The masker holds about 48 bytes per token of its input (bench/README.md, "Personal-data
// masking"): a text is masked in pieces of at most this size, so an answer of the speech-to-text
// server as large as the HTTP client lets in (64 MiB) peaks at tens of MiB, not gigabytes. Speech
// never comes near it: forty hours of transcript are 4 MB.
constexpr size_t kPieceBytes = size_t{1} << 20;

// Where the piece starting at `begin` ends: at the last line break, else sentence end, else space
// in its second half — a value is a few words inside one sentence, so it is never cut — or, in a
// text without any (hostile), at the last UTF-8 character boundary.
size_t PieceEnd(std::string_view text, size_t begin) {
  if (text.size() - begin <= kPieceBytes) return text.size();
  const std::string_view window = text.substr(begin, kPieceBytes);
  const size_t half = kPieceBytes / 2;
  if (size_t at = window.rfind('\n'); at != std::string_view::npos && at >= half) {
    return begin + at + 1;
  }
  for (std::string_view end : {". ", "! ", "? "}) {
    if (size_t at = window.rfind(end); at != std::string_view::npos && at >= half) {
      return begin + at + end.size();
    }
  }
  if (size_t at = window.rfind(' '); at != std::string_view::npos && at >= half) {
    return begin + at + 1;
  }
  size_t end = begin + kPieceBytes;
  while (end > begin && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end > begin ? end : begin + kPieceBytes;  // Not UTF-8 at all: cut anywhere.
}

MaskResult MaskPiece(std::string_view text) {
  const std::string lower = internal::LowerRussian(text);
  const std::vector<internal::Token> tokens = internal::Tokenize(text, lower);
  std::vector<PiiSpan> found = internal::FindEmails(text, tokens);
  for (auto* find : {&internal::FindAddresses, &internal::FindNumbers}) {
    std::vector<PiiSpan> more = (*find)(tokens);
    found.insert(found.end(), more.begin(), more.end());
  }
  // Earliest first, the longest of those starting together; stable keeps e-mail before the
  // numbers inside it.
  std::stable_sort(found.begin(), found.end(), [](const PiiSpan& a, const PiiSpan& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  MaskResult result;
  size_t copied = 0;
  for (const PiiSpan& span : found) {
    if (span.begin < copied) continue;  // Overlaps one already taken.
    result.text.append(text.substr(copied, span.begin - copied));
    result.text.append(Placeholder(span.type));
    copied = span.end;
    ++result.counts[span.type];
    result.spans.push_back(span);
  }
  result.text.append(text.substr(copied));
  return result;
}

}  // namespace

MaskResult MaskPersonalData(std::string_view text) {
  if (text.size() <= kPieceBytes) return MaskPiece(text);
  MaskResult whole;
  whole.text.reserve(text.size());
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = PieceEnd(text, begin);
    MaskResult piece = MaskPiece(text.substr(begin, end - begin));
    whole.text += piece.text;
    for (const auto& [type, count] : piece.counts) whole.counts[type] += count;
    for (PiiSpan span : piece.spans) {
      span.begin += begin;
      span.end += begin;
      whole.spans.push_back(span);
    }
    begin = end;
  }
  return whole;
}

}  // namespace callbrief::privacy
