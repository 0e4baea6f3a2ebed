# The app shell: what every window and every command-line mode shares — the option parser and
# the one error ending of the commands, their input checks and limits, the screenshot options,
# the palette, the window launcher and the GUI entry point.
target_sources(attnviz_app PRIVATE
  shell/options.hpp            shell/options.cpp
  shell/command.hpp            shell/command.cpp
  shell/input_files.hpp        shell/input_files.cpp
  shell/limits.hpp
  shell/screenshot_options.hpp shell/screenshot_options.cpp
  shell/app_palette.hpp        shell/app_palette.cpp
  shell/window_launcher.hpp    shell/window_launcher.cpp
  shell/gui_main.hpp           shell/gui_main.cpp
)
