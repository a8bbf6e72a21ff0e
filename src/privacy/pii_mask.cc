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

MaskResult MaskPersonalData(std::string_view text) {
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

}  // namespace callbrief::privacy
