// The Mini App's sign-in: Telegram passes initData in the page's fragment (#tgWebAppData=...); post it with the
// page's CSRF token. No script from elsewhere is loaded (the CSP allows only this site's).
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.hash.slice(1));
  var data = params.get("tgWebAppData") || "";
  if (!data && window.Telegram && window.Telegram.WebApp) {
    data = window.Telegram.WebApp.initData || "";
  }
  if (!data) {
    document.getElementById("outside-telegram").hidden = false;
    return;
  }
  document.getElementById("init-data").value = data;
  document.getElementById("webapp-login").submit();
})();
