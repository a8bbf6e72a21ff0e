// The deployment files of the repository (render.yaml, Dockerfile, deploy/callbrief.service,
// deploy/callbrief.env.example) and the configuration table of docs/configuration.md (en, ru) are
// checked against the one list that cannot drift: the variables core::LoadConfig really reads,
// recorded while it runs. A variable added to the code but not to the table or the example file
// fails here, and so does a variable these files name that the code does not read (a typo, a
// variable removed from the code). scripts/check-deploy builds and starts the image itself.

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/config.h"
#include "source_file.h"

namespace callbrief {
namespace {

using Names = std::set<std::string, std::less<>>;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every variable LoadConfig asks the environment for (with nothing set, so no check stops it
// early and every read happens).
Names VariablesTheCodeReads() {
  Names names;
  core::Environment env;
  env.RecordNamesInto(&names);
  auto config = core::LoadConfig(env);
  EXPECT_TRUE(config.ok());
  return names;
}

// The variables whose values the code treats as secrets: set one at a time to a value that marks
// it, and see whether Config::Secrets() (what the redactor masks) carries the mark. The two URLs
// need a valid shape; their secret is a part (the webhook code, the password).
Names SecretVariables() {
  Names secrets;
  for (const std::string& name : VariablesTheCodeReads()) {
    std::string value = "zq" + name + "zq";
    if (name == "BITRIX24_WEBHOOK_URL") value = "https://acme.bitrix24.ru/rest/1/" + value + "/";
    if (name == "DATABASE_URL") value = "postgresql://callbrief:" + value + "@db.example.com/cb";
    auto config =
        core::LoadConfig(core::Environment(std::map<std::string, std::string>{{name, value}}));
    if (!config.ok()) continue;  // A number, a URL or a keyword: not free text, not a secret.
    for (const std::string& secret : config->Secrets()) {
      if (secret.find("zq" + name + "zq") != std::string::npos) secrets.insert(name);
    }
  }
  return secrets;
}

// "missing: A, B; unknown: C" for a failure message, empty when the sets agree.
std::string Difference(const Names& expected, const Names& actual) {
  std::string missing;
  std::string unknown;
  for (const auto& name : expected) {
    if (!actual.contains(name)) missing += (missing.empty() ? "" : ", ") + name;
  }
  for (const auto& name : actual) {
    if (!expected.contains(name)) unknown += (unknown.empty() ? "" : ", ") + name;
  }
  std::string out;
  if (!missing.empty()) out += "missing (the code reads them): " + missing;
  if (!unknown.empty()) {
    out += std::string(out.empty() ? "" : "; ") + "unknown (the code never reads them): " + unknown;
  }
  return out;
}

// The first cells of the table rows of docs/configuration.md: "| `NAME` | default | …".
Names TableVariables(const std::string& doc) {
  Names names;
  static const std::regex kRow(R"(^\| `([A-Z][A-Z0-9_]*)` \|)");
  for (const std::string& line : Lines(ReadSource(doc))) {
    std::smatch match;
    if (std::regex_search(line, match, kRow)) names.insert(match[1]);
  }
  return names;
}

TEST(ConfigurationTable, ListsExactlyTheVariablesTheCodeReads) {
  const Names code = VariablesTheCodeReads();
  ASSERT_GT(code.size(), 30u);  // The recorder works: LoadConfig reads dozens of variables.
  for (const std::string doc : {"docs/configuration.md", "docs/ru/configuration.md"}) {
    EXPECT_EQ(Difference(code, TableVariables(doc)), "") << doc;
  }
}

TEST(ConfigurationTable, TheSecretsParagraphNamesEverySecret) {
  const Names secrets = SecretVariables();
  // The seed's three credentials are secrets whatever else changes.
  for (const char* name : {"BITRIX24_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN", "OPENAI_API_KEY"}) {
    EXPECT_TRUE(secrets.contains(name)) << name;
  }
  const std::string doc = ReadSource("docs/configuration.md");
  const std::size_t start = doc.find("These are secrets:");
  ASSERT_NE(start, std::string::npos);
  const std::string paragraph = doc.substr(start, doc.find("\n\n", start) - start);
  for (const std::string& name : secrets) {
    EXPECT_NE(paragraph.find("`" + name + "`"), std::string::npos) << name;
  }
}

// --- render.yaml ---------------------------------------------------------------------------------

// One envVars entry of render.yaml: `- key: NAME` and what follows it at deeper indentation.
struct RenderVar {
  std::string name;
  bool commented = false;                     // In the documented SQLite variant, not active.
  std::map<std::string, std::string> fields;  // sync, value, fromDatabase, name, property…
};

struct RenderYaml {
  std::vector<RenderVar> vars;
  std::map<std::string, std::string> service;    // Top-level fields of the first service.
  std::map<std::string, std::string> commented;  // Fields shown in comments (the disk variant).
  Names databases;
};

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  if (auto hash = s.find(" #"); hash != std::string::npos) s.erase(hash);  // Trailing comment.
  s.erase(s.find_last_not_of(' ') + 1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// render.yaml is kept to the block style YAML subset below, which this reads strictly (a line that
// is none of these fails the test, so the file cannot quietly become something else):
//   comment | "key:" | "key: value" | "- key: value", indented by two spaces per level, no tabs.
RenderYaml ParseRenderYaml(const std::string& text) {
  RenderYaml yaml;
  static const std::regex kLine(R"(^( *)(- )?([A-Za-z][A-Za-z0-9_]*):( +(.*))?$)");
  std::string section;
  int line_number = 0;
  int var_indent = -1;
  for (std::string line : Lines(text)) {
    ++line_number;
    EXPECT_EQ(line.find('\t'), std::string::npos) << "render.yaml:" << line_number << ": a tab";
    bool commented = false;
    const std::size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    if (line[first] == '#') {
      // A commented-out part of the file (the SQLite variant) is parsed like the rest when it
      // looks like YAML, so the variables and paths it names are checked too.
      std::string inner = line.substr(first + 1);
      if (inner.starts_with(' ')) inner.erase(0, 1);
      std::smatch match;
      if (!std::regex_match(inner, match, kLine)) continue;  // Prose.
      commented = true;
      line = std::string(first, ' ') + inner;
    }
    std::smatch match;
    if (!std::regex_match(line, match, kLine)) {
      ADD_FAILURE() << "render.yaml:" << line_number << ": not in the block YAML subset: " << line;
      continue;
    }
    const int indent = static_cast<int>(match[1].length()) + (match[2].matched ? 2 : 0);
    EXPECT_EQ(match[1].length() % 2, 0u) << "render.yaml:" << line_number << ": odd indentation";
    const std::string key = match[3];
    const std::string value = match[5].matched ? Trim(match[5]) : "";
    if (match[1].length() == 0) {
      section = key;
      continue;
    }
    if (section == "databases" && match[2].matched && key == "name") yaml.databases.insert(value);
    if (section != "services") continue;
    if (key == "key" && match[2].matched) {
      yaml.vars.push_back({.name = value, .commented = commented, .fields = {}});
      var_indent = static_cast<int>(match[1].length());
      continue;
    }
    if (!yaml.vars.empty() && indent > var_indent && var_indent >= 0 &&
        commented == yaml.vars.back().commented) {
      yaml.vars.back().fields[key] = value;
      continue;
    }
    var_indent = -1;
    if (commented) {
      yaml.commented[key] = value;
    } else if (indent == 4 && !value.empty()) {
      yaml.service[key] = value;
    }
  }
  return yaml;
}

class RenderYamlTest : public ::testing::Test {
 protected:
  RenderYaml yaml = ParseRenderYaml(ReadSource("render.yaml"));
  Names code = VariablesTheCodeReads();
};

TEST_F(RenderYamlTest, NamesOnlyVariablesTheCodeReads) {
  Names named;
  for (const RenderVar& var : yaml.vars) named.insert(var.name);
  ASSERT_FALSE(named.empty());
  Names unknown;
  for (const std::string& name : named) {
    if (!code.contains(name)) unknown.insert(name);
  }
  EXPECT_EQ(Difference({}, unknown), "");
}

TEST_F(RenderYamlTest, AsksForEveryVariableOfTheSeedWithoutStoringIt) {
  std::map<std::string, const RenderVar*> active;
  for (const RenderVar& var : yaml.vars) {
    if (!var.commented) active[var.name] = &var;
  }
  for (const char* name : {"BITRIX24_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_TARGET_CHAT_ID",
                           "OPENAI_API_KEY"}) {
    ASSERT_TRUE(active.contains(name)) << name << " is missing";
    EXPECT_EQ(active[name]->fields.at("sync"), "false") << name;
  }
  // Behind Render's proxy the UI answers no one without a password.
  ASSERT_TRUE(active.contains("ADMIN_PASSWORD"));
}

TEST_F(RenderYamlTest, SecretsAreNeverValuesInGit) {
  const Names secrets = SecretVariables();
  for (const RenderVar& var : yaml.vars) {
    const bool prompted = var.fields.contains("sync") && var.fields.at("sync") == "false";
    const bool from_database = var.fields.contains("fromDatabase");
    EXPECT_EQ(prompted + from_database + var.fields.contains("value"), 1)
        << var.name << ": exactly one of sync: false, fromDatabase, value";
    if (secrets.contains(var.name)) {
      EXPECT_TRUE(prompted || from_database) << var.name << " is a secret";
    }
  }
}

TEST_F(RenderYamlTest, WiresTheDatabaseAndTheDockerImage) {
  const RenderVar* database_url = nullptr;
  for (const RenderVar& var : yaml.vars) {
    if (var.name == "DATABASE_URL" && !var.commented) database_url = &var;
  }
  ASSERT_NE(database_url, nullptr);
  EXPECT_EQ(database_url->fields.at("property"), "connectionString");
  EXPECT_TRUE(yaml.databases.contains(database_url->fields.at("name")))
      << "fromDatabase names a database the file does not define";

  EXPECT_EQ(yaml.service["type"], "web");
  EXPECT_EQ(yaml.service["runtime"], "docker");
  EXPECT_EQ(yaml.service["dockerfilePath"], "./Dockerfile");
  EXPECT_EQ(yaml.service["healthCheckPath"], "/readyz");
  // Render sets PORT itself: a value here would be a second, conflicting source.
  for (const RenderVar& var : yaml.vars) EXPECT_NE(var.name, "PORT");
  // The documented disk variant mounts the image's DATA_DIR.
  EXPECT_EQ(yaml.commented["mountPath"], "/data");
}

// --- Dockerfile ----------------------------------------------------------------------------------

TEST(Dockerfile, BuildsOnlyTheServiceAndRunsItAsAnUnprivilegedUserWithOneVolume) {
  const std::string dockerfile = ReadSource("Dockerfile");
  const Names code = VariablesTheCodeReads();
  EXPECT_NE(dockerfile.find("FROM debian:12 AS build"), std::string::npos);
  EXPECT_NE(dockerfile.find("RUN scripts/setup --build"), std::string::npos);
  EXPECT_NE(dockerfile.find("RUN scripts/build release callbrief"), std::string::npos);
  // The audio helper is installed beside the service, where callbrief looks for it.
  EXPECT_NE(dockerfile.find("/src/build/callbrief-audio /usr/local/bin/"), std::string::npos);
  EXPECT_NE(dockerfile.find("FROM debian:12-slim"), std::string::npos);
  EXPECT_NE(dockerfile.find("USER callbrief"), std::string::npos);
  EXPECT_NE(dockerfile.find("VOLUME /data"), std::string::npos);
  EXPECT_NE(dockerfile.find("DATA_DIR=/data"), std::string::npos);
  EXPECT_NE(dockerfile.find("DATABASE_URL=sqlite:///data/callbrief.db"), std::string::npos);
  EXPECT_NE(dockerfile.find("HEALTHCHECK"), std::string::npos);
  EXPECT_NE(dockerfile.find("/healthz"), std::string::npos);
  // Every variable an ENV line sets is one the code reads.
  static const std::regex kEnv(R"(([A-Z][A-Z0-9_]*)=)");
  const std::size_t env_at = dockerfile.find("\nENV ");
  ASSERT_NE(env_at, std::string::npos);
  const std::string env_block =
      dockerfile.substr(env_at, dockerfile.find("\nWORKDIR", env_at) - env_at);
  for (auto it = std::sregex_iterator(env_block.begin(), env_block.end(), kEnv);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(code.contains((*it)[1].str())) << (*it)[1].str();
  }
}

TEST(Dockerfile, IgnoreFileKeepsBuildTreesDataAndSecretsOut) {
  const std::string ignore = ReadSource(".dockerignore");
  for (const char* entry : {"build*/", "node_modules/", "data/", ".env", ".git"}) {
    EXPECT_NE(ignore.find(std::string("\n") + entry + "\n"), std::string::npos) << entry;
  }
}

// --- systemd -------------------------------------------------------------------------------------

TEST(SystemdUnit, IsHardenedAndWritesOnlyItsDataDirectory) {
  const std::string unit = ReadSource("deploy/callbrief.service");
  std::multimap<std::string, std::string> settings;
  for (const std::string& line : Lines(unit)) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    const std::size_t eq = line.find('=');
    ASSERT_NE(eq, std::string::npos) << "not a setting: " << line;
    settings.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  auto value = [&](const std::string& key) {
    auto it = settings.find(key);
    return it == settings.end() ? std::string("(unset)") : it->second;
  };
  EXPECT_EQ(value("ExecStart"), "/usr/local/bin/callbrief serve");
  EXPECT_EQ(value("DynamicUser"), "yes");
  EXPECT_EQ(value("NoNewPrivileges"), "yes");
  EXPECT_EQ(value("ProtectSystem"), "strict");
  EXPECT_EQ(value("PrivateTmp"), "yes");
  EXPECT_EQ(value("ProtectHome"), "yes");
  EXPECT_EQ(value("RestrictAddressFamilies"), "AF_INET AF_INET6 AF_UNIX");
  EXPECT_EQ(value("SystemCallFilter"), "@system-service");
  EXPECT_EQ(value("CapabilityBoundingSet"), "");
  // Stages get 20 s after SIGTERM; systemd must wait longer than that before SIGKILL.
  EXPECT_EQ(value("TimeoutStopSec"), "30");

  // The data directory it sets is the one it may write.
  const Names code = VariablesTheCodeReads();
  std::string data_dir;
  for (auto [it, end] = settings.equal_range("Environment"); it != end; ++it) {
    const std::string name = it->second.substr(0, it->second.find('='));
    EXPECT_TRUE(code.contains(name)) << "Environment= names " << name;
    if (name == "DATA_DIR") data_dir = it->second.substr(it->second.find('=') + 1);
  }
  EXPECT_EQ(data_dir, "/var/lib/callbrief");
  EXPECT_EQ(value("ReadWritePaths"), data_dir);
  EXPECT_EQ(value("StateDirectory"), "callbrief");
}

TEST(SystemdUnit, EnvironmentFileExampleListsEveryVariableOnce) {
  Names listed;
  static const std::regex kVar(R"(^#?([A-Z][A-Z0-9_]*)=)");
  for (const std::string& line : Lines(ReadSource("deploy/callbrief.env.example"))) {
    std::smatch match;
    if (!std::regex_search(line, match, kVar)) continue;
    EXPECT_TRUE(listed.insert(match[1]).second) << match[1] << " is listed twice";
    // systemd's EnvironmentFile= has no trailing comments and keeps quotes as part of the value.
    const std::string value = line.substr(match[0].length());
    EXPECT_EQ(value.find(" #"), std::string::npos) << line;
    EXPECT_FALSE(value.starts_with('"') || value.starts_with('\'')) << line;
  }
  EXPECT_EQ(Difference(VariablesTheCodeReads(), listed), "");
}

}  // namespace
}  // namespace callbrief
