#pragma once

// The repository's own files, read by the tests that hold them to the code.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace callbrief {

// The text of `relative` (a path inside the repository); "" and a test failure when unreadable.
inline std::string ReadSource(const std::string& relative) {
  std::ifstream file(std::string(CALLBRIEF_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(file) << "cannot read " << relative;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace callbrief
