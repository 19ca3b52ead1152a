// /try: a phone for texting and one for calling, both through the line's real webhooks.
// Everything comes from this server; the browser's own speech synthesis reads a <Say> aloud.
"use strict";

function post(url, fields) {
  return fetch(url, {method: "POST", body: new URLSearchParams(fields), credentials: "same-origin"})
    .then(function (response) { return response.json(); });
}

function bubble(list, text, who) {
  var item = document.createElement("li");
  item.className = who;
  item.textContent = text;
  list.appendChild(item);
  item.scrollIntoView({block: "nearest"});
  return item;
}

document.addEventListener("DOMContentLoaded", function () {
  var thread = document.getElementById("thread"), body = document.getElementById("body");
  document.getElementById("sms-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!body.value.trim()) { return; }
    bubble(thread, body.value, "sent");
    post("/try/sms", {Body: body.value}).then(function (answer) {
      if (!answer.messages.length) { bubble(thread, "(no reply: Twilio itself answers STOP)", "note"); }
      answer.messages.forEach(function (text) { bubble(thread, text, "received"); });
    });
    body.value = "";
  });
  document.getElementById("sms-new").addEventListener("click", function () {
    post("/try/new", {}).then(function () { thread.textContent = ""; });
  });

  var heard = document.getElementById("heard"), state = document.getElementById("call-state");
  var speech = document.getElementById("speech"), next = null, silence = null;
  var controls = document.querySelectorAll("#keypad button, #say-form input, #say-form button, #call-silence");

  function show(turn) {
    turn.says.forEach(function (say) {
      var item = bubble(heard, say.text, "said");
      if (say.note) { return; }  // what the try-out itself says: nothing a caller would hear
      item.lang = say.language;
      var play = document.createElement("button");
      play.type = "button";
      play.className = "play";
      play.textContent = "Play";
      play.setAttribute("aria-label", "Play: " + say.text);
      play.addEventListener("click", function () {
        var utterance = new SpeechSynthesisUtterance(say.text);
        utterance.lang = say.language;
        window.speechSynthesis.speak(utterance);
      });
      item.appendChild(play);
    });
    next = turn.next;
    silence = turn.silence;
    controls.forEach(function (control) { control.disabled = !next; });
    state.textContent = turn.hangup ? "The line hung up." : "Press a key, say something, or stay silent.";
  }

  function step(fields) { post("/try/call", fields).then(show); }
  document.getElementById("call-start").addEventListener("click", function () {
    heard.textContent = "";
    step({path: "/voice"});
  });
  document.querySelectorAll("#keypad button").forEach(function (key) {
    key.addEventListener("click", function () {
      bubble(heard, "You pressed " + key.dataset.key, "pressed");
      step({path: next, Digits: key.dataset.key});
    });
  });
  document.getElementById("say-form").addEventListener("submit", function (event) {
    event.preventDefault();
    bubble(heard, "You said: " + speech.value, "pressed");
    step({path: next, SpeechResult: speech.value});
    speech.value = "";
  });
  document.getElementById("call-silence").addEventListener("click", function () {
    bubble(heard, "(silence)", "pressed");
    step({path: silence});
  });
});
