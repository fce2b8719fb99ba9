// Precompiled for the test executables: the library set plus GoogleTest.
#pragma once
#include "dmacosim_pch.h"

#include <gtest/gtest.h>
