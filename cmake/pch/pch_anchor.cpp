// The translation unit that builds a precompiled header (cmake/dmacosim.cmake); it holds no code.
