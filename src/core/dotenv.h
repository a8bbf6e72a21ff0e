#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"

namespace callbrief::core {

// Parses the text of a `.env` file: `KEY=value` lines, optional `export ` prefix, `#` comments,
// blank lines, values in double quotes (with \n \t \" \\ escapes) or single quotes (literal), and
// unquoted values trimmed of spaces and of a trailing ` # comment`. A line that is none of these
// is an error naming its line number, never a silent skip.
Result<std::map<std::string, std::string>> ParseDotEnv(std::string_view text);

// The variables the service reads: the process environment over the `.env` file (real variables
// win, as in every dotenv implementation, so a platform's dashboard overrides a stale file).
class Environment {
 public:
  Environment() = default;
  explicit Environment(const std::map<std::string, std::string>& values)
      : values_(values.begin(), values.end()) {}

  // Process environment only.
  static Environment FromProcess();
  // Process environment over `dotenv_path` if that file exists; a malformed file is a kConfig
  // error.
  static Result<Environment> FromProcessAndDotEnv(const std::string& dotenv_path);

  // The value, or nullopt when unset. A variable set to the empty string counts as unset, because
  // dashboards and compose files often leave placeholders empty.
  std::optional<std::string> Get(std::string_view name) const;

  // Adds the name of every variable Get is asked for to *names (nullptr stops it), so a test can
  // list the variables LoadConfig really reads and check docs/configuration.md and the deployment
  // files (render.yaml, deploy/) against that list instead of against another hand-kept copy.
  void RecordNamesInto(std::set<std::string, std::less<>>* names) { read_names_ = names; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::set<std::string, std::less<>>* read_names_ = nullptr;
};

}  // namespace callbrief::core
