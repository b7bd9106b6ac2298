fetch("/api/hello?name=browser")
  .then((response) => response.json())
  .then((data) => {
    document.getElementById("greeting").textContent = data.message;
  });
