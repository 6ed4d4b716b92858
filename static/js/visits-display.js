// Call display of a waiting room: htmx polls the content every few seconds (hx-trigger on #aufruf-inhalt).
// This script announces a new call (visible highlight, aria-live text, optional beep), shows a notice
// while the server cannot be reached and hides it again on the next good answer. htmx keeps the last
// good content on network and server errors because it only swaps successful responses.
(function () {
  "use strict";

  var audioContext = null;
  var lastCall = null;

  function newest() {
    return document.querySelector("#aufruf-inhalt [data-call]");
  }

  function soundOn() {
    var button = document.getElementById("ton");
    return button !== null && button.getAttribute("aria-pressed") === "true";
  }

  function beep() {
    if (!soundOn() || audioContext === null) {
      return;
    }
    var oscillator = audioContext.createOscillator();
    var gain = audioContext.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, audioContext.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.3, audioContext.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, audioContext.currentTime + 0.6);
    oscillator.connect(gain);
    gain.connect(audioContext.destination);
    oscillator.start();
    oscillator.stop(audioContext.currentTime + 0.65);
  }

  function announce(initial) {
    var call = newest();
    var key = call === null ? null : call.getAttribute("data-call");
    if (key === lastCall) {
      return;
    }
    lastCall = key;
    if (initial || call === null) {
      return;
    }
    var highlight = call.querySelector(".visits-display__call--newest");
    if (highlight !== null) {
      highlight.classList.add("visits-display__call--fresh");
    }
    document.getElementById("ansage").textContent = call.getAttribute("data-text");
    beep();
  }

  function setOffline(offline) {
    document.getElementById("verbindung").hidden = !offline;
  }

  function setUpSound() {
    var button = document.getElementById("ton");
    if (button === null) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      // Browsers allow audio only after a user gesture: this click is it.
      if (on && audioContext === null && (window.AudioContext || window.webkitAudioContext)) {
        audioContext = new (window.AudioContext || window.webkitAudioContext)();
      }
      if (on && audioContext !== null) {
        audioContext.resume();
        beep();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSound();
    announce(true);
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    announce(false);
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    setOffline(!event.detail.successful);
  });
  ["htmx:sendError", "htmx:timeout", "htmx:responseError"].forEach(function (name) {
    document.body.addEventListener(name, function () {
      setOffline(true);
    });
  });
})();
