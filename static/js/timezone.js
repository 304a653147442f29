// Tell the server the learner's time zone, so review times and "today" follow their clock.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      // Secure wherever the page is https, as the server's own cookies are in production.
      var secure = location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax" + secure;
    }
  } catch (e) { /* an old browser: times stay in UTC */ }
})();
