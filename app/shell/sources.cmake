# The app shell: what every window and every command-line mode shares — the option parser and
# the one error ending of the commands, their input checks and limits, the screenshot options,
# the palette, the window launcher, the GUI entry point and the training windows'
# runner base, Train / Pause / Stop controls and settings-form fields.
target_sources(attnviz_app PRIVATE
  shell/options.hpp            shell/options.cpp
  shell/command.hpp            shell/command.cpp
  shell/input_files.hpp        shell/input_files.cpp
  shell/limits.hpp
  shell/screenshot_options.hpp shell/screenshot_options.cpp
  shell/app_palette.hpp        shell/app_palette.cpp
  shell/window_launcher.hpp    shell/window_launcher.cpp
  shell/gui_main.hpp           shell/gui_main.cpp
  shell/training_runner.hpp    shell/training_runner.cpp
  shell/train_controls.hpp     shell/train_controls.cpp
  shell/form_fields.hpp        shell/form_fields.cpp
)
