// The benches' --out DIR: created when missing, and every report file checked
// writable before the measurement, so a long run never ends with its results
// lost to a bad path.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

namespace dmacosim::bench {

// False (with a message naming prog and the path on stderr) when dir cannot be
// created or one of its files cannot be written.
inline bool prepare_output_dir(const char* prog, const std::string& dir, const std::vector<std::string>& files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fprintf(stderr, "%s: cannot create directory %s: %s\n", prog, dir.c_str(), ec.message().c_str());
    return false;
  }
  for (const std::string& path : files) {
    if (!std::ofstream(path, std::ios::app)) {
      fprintf(stderr, "%s: cannot write %s\n", prog, path.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace dmacosim::bench
