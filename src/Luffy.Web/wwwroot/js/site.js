// The storefront's only script, loaded from here so that the Content-Security-Policy can refuse inline script.

// Fields marked data-autosubmit send their form when changed: the checkout's coupon and 贝里, the cart's checkbox and
// validity.
document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.form && field.hasAttribute("data-autosubmit"))
        field.form.submit();
});

// The activity countdown on a course page: the server writes the seconds left, this ticks them down.
document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("countdown");
    if (!el)
        return;
    var left = parseInt(el.dataset.seconds, 10);
    function show() {
        if (left <= 0) {
            el.textContent = "已结束";
            return;
        }
        var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
        el.textContent = (d ? d + " 天 " : "") + h + " 小时 " + m + " 分 " + s + " 秒";
        left--;
    }
    show();
    setInterval(show, 1000);
});
