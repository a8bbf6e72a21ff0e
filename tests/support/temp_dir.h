#pragma once

// The black-box tests use the tests' one scratch directory.
#include "testing/temp_dir.h"
