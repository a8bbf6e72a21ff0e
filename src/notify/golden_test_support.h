#pragma once

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace callbrief::notify::testing {

// Expects `actual` to equal the file testdata/<name> byte for byte. With CALLBRIEF_UPDATE_GOLDEN=1
// in the environment it rewrites the file instead (review the diff before committing it).
inline void ExpectGolden(const std::string& name, const std::string& actual) {
  std::string path = std::string(CALLBRIEF_NOTIFY_TESTDATA) + "/" + name;
  if (const char* update = std::getenv("CALLBRIEF_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::string expected{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_FALSE(expected.empty()) << "missing golden file " << path;
  EXPECT_EQ(actual, expected) << "golden file " << path;
}

}  // namespace callbrief::notify::testing
