#include "core/dotenv.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

std::map<std::string, std::string> MustParse(std::string_view text) {
  auto parsed = ParseDotEnv(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : std::map<std::string, std::string>{};
}

TEST(DotEnvTest, ReadsPlainAssignmentsAndSkipsCommentsAndBlankLines) {
  auto v = MustParse("# settings\n\nPORT=9090\nHOST = 127.0.0.1 \r\n");
  EXPECT_EQ(v.at("PORT"), "9090");
  EXPECT_EQ(v.at("HOST"), "127.0.0.1");
  EXPECT_EQ(v.size(), 2u);
}

TEST(DotEnvTest, AcceptsExportPrefix) {
  EXPECT_EQ(MustParse("export OPENAI_API_KEY=sk-1\n").at("OPENAI_API_KEY"), "sk-1");
}

TEST(DotEnvTest, DoubleQuotedValuesKeepSpacesAndUnderstandEscapes) {
  auto v = MustParse(R"(A="two  words # not a comment"
B="line1\nline2 \"q\" \\")");
  EXPECT_EQ(v.at("A"), "two  words # not a comment");
  EXPECT_EQ(v.at("B"), "line1\nline2 \"q\" \\");
}

TEST(DotEnvTest, SingleQuotedValuesAreLiteral) {
  EXPECT_EQ(MustParse(R"(A='no\nescape')").at("A"), R"(no\nescape)");
}

TEST(DotEnvTest, TrailingCommentAfterUnquotedValueIsDropped) {
  EXPECT_EQ(MustParse("WORKERS=8 # more for big portals").at("WORKERS"), "8");
}

TEST(DotEnvTest, EmptyValueIsKeptAsEmpty) { EXPECT_EQ(MustParse("A=").at("A"), ""); }

TEST(DotEnvTest, MalformedLinesAreErrorsNamingTheLine) {
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"A=1\nnot an assignment\n", "line 2: expected NAME=value"},
           {"1BAD=x", "line 1: \"1BAD\" is not a valid variable name"},
           {"A=\"open", "line 1: unterminated or malformed double-quoted value"},
           {"A='open", "line 1: unterminated or malformed single-quoted value"},
           {"A=\"x\" junk", "line 1: unterminated or malformed double-quoted value"},
       }) {
    auto parsed = ParseDotEnv(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kConfig);
    EXPECT_EQ(parsed.error().message, c.expected);
  }
}

TEST(EnvironmentTest, EmptyValuesCountAsUnset) {
  Environment env({{"A", ""}, {"B", "x"}});
  EXPECT_FALSE(env.Get("A").has_value());
  EXPECT_EQ(env.Get("B"), "x");
  EXPECT_FALSE(env.Get("C").has_value());
}

TEST(EnvironmentTest, RealVariablesWinOverTheDotEnvFile) {
  auto dir = std::filesystem::temp_directory_path() / ("dotenv_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / ".env").string();
  std::ofstream(path) << "CALLBRIEF_TEST_REAL=from-file\nCALLBRIEF_TEST_ONLY_FILE=file\n";
  setenv("CALLBRIEF_TEST_REAL", "from-env", 1);
  auto env = Environment::FromProcessAndDotEnv(path);
  unsetenv("CALLBRIEF_TEST_REAL");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->Get("CALLBRIEF_TEST_REAL"), "from-env");
  EXPECT_EQ(env->Get("CALLBRIEF_TEST_ONLY_FILE"), "file");
}

TEST(EnvironmentTest, MissingDotEnvFileIsNotAnError) {
  EXPECT_TRUE(Environment::FromProcessAndDotEnv("/nonexistent/.env").ok());
}

}  // namespace
}  // namespace callbrief::core
