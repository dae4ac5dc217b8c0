// jsdom lacks a few browser globals that Lumino touches when it loads.
if (typeof globalThis.DragEvent === 'undefined') {
  globalThis.DragEvent = class DragEvent extends MouseEvent {};
}
