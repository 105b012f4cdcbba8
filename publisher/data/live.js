// publish serve: reload this page when a rebuild changed it; show a failed build's error over it.
(function () {
  "use strict";
  var shown = Number(new URL(document.currentScript.src).searchParams.get("generation"));
  var events = new EventSource("/__publish__/events");

  function overlay() {
    var box = document.getElementById("publish-serve-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "publish-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:2147483647;margin:0;padding:1em;" +
        "max-height:50vh;overflow:auto;white-space:pre-wrap;font:14px/1.4 monospace;" +
        "background:#7a0000;color:#fff;border-top:4px solid #ff6b6b";
      document.body.appendChild(box);
    }
    return box;
  }

  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.error) {
      overlay().textContent = "publish serve: the build failed, this is the last good page.\n\n" + state.error;
      return;
    }
    var box = document.getElementById("publish-serve-error");
    if (box) box.remove();
    if (state.generation > shown) location.reload();
  };
})();
