#include "core/error.h"

#include <string>

namespace callbrief::core {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTransient:
      return "transient";
    case ErrorKind::kRateLimited:
      return "rate_limited";
    case ErrorKind::kPermanent:
      return "permanent";
    case ErrorKind::kConfig:
      return "config";
    case ErrorKind::kInvalidInput:
      return "invalid_input";
  }
  return "unknown";
}

Error Error::WithContext(std::string_view context) const {
  Error copy = *this;
  copy.message = std::string(context) + ": " + message;
  return copy;
}

}  // namespace callbrief::core
