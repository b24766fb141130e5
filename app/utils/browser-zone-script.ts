/**
 * The only script a page may run (allowed by its hash in the CSP): it fills an empty time-zone choice with the
 * browser's own zone. Without it (scripts off, old browser) the person simply picks from the list.
 */
export const BROWSER_ZONE_SCRIPT =
  "(function(){var z;try{z=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}if(!z)return;" +
  "document.querySelectorAll('select[data-browser-zone]').forEach(function(s){if(s.value)return;" +
  "for(var i=0;i<s.options.length;i++)if(s.options[i].value===z){s.value=z;return}" +
  "var o=document.createElement('option');o.value=z;o.textContent=z;s.appendChild(o);s.value=z})})()";
