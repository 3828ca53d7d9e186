// Runs before the page is drawn (a plain <script> in <head>, not deferred): marks that
// JavaScript runs, so the stylesheet may collapse what a script can open again (the phone
// menu). Without JavaScript nothing is collapsed and every link stays on screen.
document.documentElement.classList.add("js");
